// BatonGraph: see the target's comment in Package.swift.
