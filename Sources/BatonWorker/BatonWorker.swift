/// The Swift worker SDK.
public enum BatonWorkerModule {}
