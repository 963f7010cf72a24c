"""Workers for examples/state-machines/order.json, written like the RabbitMQ RPC tutorial's server.

Each queue is a function the workflow calls; a reply goes to reply_to with the request's correlation_id.
The header baton-status: failed makes the reply a failure {"error", "cause"} (book-carrier fails twice,
so the workflow's Retry has something to do)."""
import json, os, pika

conn = pika.BlockingConnection(pika.URLParameters(os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672")))
ch = conn.channel()
attempts = {}

def answer(queue, task):
    if queue == "check-stock":
        return None, dict(task, inStock=True)
    if queue == "charge-card":
        return None, {"charged": "12.50 EUR"}
    if queue == "reserve":
        return None, {"reserved": True}
    if queue == "book-carrier":
        attempts[task["order"]] = attempts.get(task["order"], 0) + 1
        if attempts[task["order"]] <= 2:
            return "failed", {"error": "Carrier.Busy", "cause": "all lines busy"}
        return None, {"tracking": "TRK-42"}

def serve(queue):
    def on_request(ch, method, props, body):
        status, out = answer(queue, json.loads(body))
        ch.basic_publish(exchange="", routing_key=props.reply_to, body=json.dumps(out),
                         properties=pika.BasicProperties(correlation_id=props.correlation_id, delivery_mode=2,
                                                         headers={"baton-status": status} if status else None))
        ch.basic_ack(delivery_tag=method.delivery_tag)
    ch.queue_declare(queue=queue, durable=True)
    ch.basic_consume(queue=queue, on_message_callback=on_request)

for q in ["check-stock", "charge-card", "reserve", "book-carrier"]:
    serve(q)
print("order workers ready", flush=True)
ch.start_consuming()
