/// The Swift worker SDK (see Worker).
public enum BatonWorkerModule {}
