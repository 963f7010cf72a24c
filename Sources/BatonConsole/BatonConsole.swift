// BatonConsole: see the target's comment in Package.swift.
