#!/usr/bin/env python3
"""A Baton worker written like the RabbitMQ RPC tutorial's server: halves an image's width and height."""
import json, os, pika

queue = os.environ.get("BATON_QUEUE", "resize")
connection = pika.BlockingConnection(pika.URLParameters(os.environ.get("BATON_AMQP_URL", "amqp://localhost")))
channel = connection.channel()
channel.queue_declare(queue=queue, durable=True)

def on_request(ch, method, props, body):
    task, headers = json.loads(body), {}
    try:
        result = {"width": task["width"] // 2, "height": task["height"] // 2}
    except (KeyError, TypeError) as e:  # a failure: header baton-status, body {"error", "cause"}
        result, headers = {"error": "BadInput", "cause": f"bad or missing field: {e}"}, {"baton-status": "failed"}
    ch.basic_publish(exchange="", routing_key=props.reply_to, body=json.dumps(result),
                     properties=pika.BasicProperties(correlation_id=props.correlation_id, delivery_mode=2,
                                                     content_type="application/json", headers=headers))
    ch.basic_ack(delivery_tag=method.delivery_tag)

channel.basic_qos(prefetch_count=1)
channel.basic_consume(queue=queue, on_message_callback=on_request)
print(f" [x] Awaiting tasks on {queue}", flush=True)
channel.start_consuming()
