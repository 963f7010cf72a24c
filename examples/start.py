"""Starts an execution by message and prints its result: python3 examples/start.py STATE_MACHINE INPUT_FILE [NAME]

Publishes a StartExecution-shaped message to baton.start with reply_to and correlation_id set, then
waits for the result Baton publishes back (synchronous execution over AMQP)."""
import json, os, sys, time, uuid, pika

machine, input_file = sys.argv[1], sys.argv[2]
name = sys.argv[3] if len(sys.argv) > 3 else None
conn = pika.BlockingConnection(pika.URLParameters(os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672")))
ch = conn.channel()
replies = ch.queue_declare(queue="", exclusive=True).method.queue
correlation_id, result = str(uuid.uuid4()), {}

def on_reply(ch, method, props, body):
    if props.correlation_id == correlation_id:
        result["body"] = json.loads(body)

ch.basic_consume(queue=replies, on_message_callback=on_reply, auto_ack=True)
start = {"stateMachine": machine, "input": json.load(open(input_file))}
if name:
    start["name"] = name
ch.basic_publish(exchange="", routing_key="baton.start", body=json.dumps(start),
                 properties=pika.BasicProperties(reply_to=replies, correlation_id=correlation_id, delivery_mode=2))
deadline = time.time() + float(os.environ.get("TIMEOUT", "60"))
while "body" not in result and time.time() < deadline:
    conn.process_data_events(time_limit=0.2)
if "body" not in result:
    sys.exit("start.py: no result within the timeout")
print(json.dumps(result["body"]))
