// BatonStore: see the target's comment in Package.swift.
