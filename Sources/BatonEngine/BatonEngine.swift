/// The shell around the interpreter.
public enum BatonEngineModule {}
