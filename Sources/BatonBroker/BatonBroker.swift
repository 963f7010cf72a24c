/// The RabbitMQ transport of the orchestrator.
public enum BatonBrokerModule {}
