extension DefinitionReader {
    /// A Map state: its item processor (`ItemProcessor` or the older `Iterator`), where its items come
    /// from, how they are batched, read and written, and its concurrency and failure tolerance.
    mutating func readMap(_ o: JSONObject, language: QueryLanguage, at location: String) -> MapState? {
        let processorKeys = language == .jsonPath ? ["ItemProcessor", "Iterator"] : ["ItemProcessor"]
        let present = processorKeys.filter { o[$0] != nil }
        if present.isEmpty { checkRequired(o, ["ItemProcessor"], at: location) }
        if present.count > 1 {
            issues.schema("These fields cannot be used together: [\(present.joined(separator: ", "))]", at: location)
        }
        var mode = MapMode.inline
        var executionType: String?
        var processor: StateList?
        if let key = present.first, let p = object(o, key, at: location) {
            let pointer = Pointer.join(location, key)
            if let config = object(p, "ProcessorConfig", at: pointer) {
                let at = Pointer.join(pointer, "ProcessorConfig")
                checkFields(config, allowed: ["Mode", "ExecutionType"], at: at)
                if let text = string(config, "Mode", at: at) {
                    if let m = MapMode(rawValue: text) {
                        mode = m
                    } else {
                        issues.schema("The field 'Mode' should have one of these values: [INLINE, DISTRIBUTED]",
                                      at: Pointer.join(at, "Mode"))
                    }
                }
                if let text = string(config, "ExecutionType", at: at) {
                    if text == "STANDARD" || text == "EXPRESS" {
                        executionType = text
                    } else {
                        issues.schema("The field 'ExecutionType' should have one of these values: [STANDARD, EXPRESS]",
                                      at: Pointer.join(at, "ExecutionType"))
                    }
                }
                if mode == .distributed, config["ExecutionType"] == nil {
                    issues.schema("These fields are required: [ExecutionType]", at: at)
                }
                if mode == .inline, config["ExecutionType"] != nil {
                    issues.schema("Field 'ExecutionType' is not supported", at: at)
                }
                if mode == .distributed, options.stateMachineType == .express {
                    issues.schema("The field 'Mode' with value 'DISTRIBUTED' is not supported inside 'EXPRESS' state machines",
                                  at: Pointer.join(at, "Mode"))
                }
            }
            processor = readStateList(p, at: pointer, fields: FieldRules.processor)
        }

        var map = MapState(processor: processor ?? StateList(startAt: "", states: [:], order: []), mode: mode,
                           executionType: executionType)
        switch language {
        case .jsonPath:
            map.itemsPath = referencePath(o, "ItemsPath", at: location)
            checkExclusive(o, ["ItemSelector", "Parameters"], at: location)
            map.itemSelector = payloadTemplate(o, o["ItemSelector"] != nil ? "ItemSelector" : "Parameters", at: location)
        case .jsonata:
            if let items = o["Items"] {
                if items.isArray || (items.stringValue.map(Self.isJSONata) ?? false) {
                    map.items = items
                } else {
                    issues.schema("The value for the field 'Items' must be an ARRAY or a JSONata expression",
                                  at: Pointer.join(location, "Items"))
                }
            }
            map.itemSelector = jsonataTemplate(o, "ItemSelector", objectOnly: false, at: location)
        }
        map.maxConcurrency = numberSource(o, "MaxConcurrency", language: language, integer: true,
                                          in: 0...Double(Int.max), at: location)
        map.toleratedFailurePercentage = numberSource(o, "ToleratedFailurePercentage", language: language,
                                                      integer: false, in: 0...100, at: location)
        map.toleratedFailureCount = numberSource(o, "ToleratedFailureCount", language: language, integer: true,
                                                 in: 0...Double(Int.max), at: location)
        map.itemBatcher = readItemBatcher(o, language: language, at: location)
        map.itemReader = readItemReader(o, language: language, at: location)
        map.resultWriter = readResultWriter(o, language: language, at: location)
        if let label = string(o, "Label", at: location) {
            if let problem = LabelRules.problem(label) {
                issues.add(Diagnostic.Code.invalidLabelName, problem, at: Pointer.join(location, "Label"))
            } else if seenLabels.contains(label) {
                issues.add(Diagnostic.Code.duplicateLabelName, "Duplicate label name: \(label)",
                           at: Pointer.join(location, "Label"))
            }
            seenLabels.insert(label)
            map.label = label
        }
        map.retry = readRetry(o, at: location)
        map.catchers = readCatch(o, language: language, at: location)
        if processor == nil { incomplete = true }
        return map
    }

    private mutating func readItemBatcher(_ o: JSONObject, language: QueryLanguage, at location: String) -> JSON? {
        guard let batcher = object(o, "ItemBatcher", at: location) else { return nil }
        let at = Pointer.join(location, "ItemBatcher")
        let allowed: Set<String> = language == .jsonPath
            ? ["MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", "BatchInput"]
            : ["MaxItemsPerBatch", "MaxInputBytesPerBatch", "BatchInput"]
        checkFields(batcher, allowed: allowed, at: at)
        if !batcher.keys.contains(where: { $0.hasPrefix("MaxItemsPerBatch") || $0.hasPrefix("MaxInputBytesPerBatch") }) {
            issues.schema("At least one of these fields is required: [MaxItemsPerBatch, MaxInputBytesPerBatch]", at: at)
        }
        _ = numberSource(batcher, "MaxItemsPerBatch", language: language, integer: true, in: 0...Double(Int.max), at: at)
        _ = numberSource(batcher, "MaxInputBytesPerBatch", language: language, integer: true, in: 0...262_144, at: at)
        if language == .jsonPath, batcher["BatchInput"] != nil { _ = payloadTemplate(batcher, "BatchInput", at: at) }
        return .object(batcher)
    }

    private mutating func readItemReader(_ o: JSONObject, language: QueryLanguage, at location: String) -> JSON? {
        guard let reader = object(o, "ItemReader", at: location) else { return nil }
        let at = Pointer.join(location, "ItemReader")
        let parameters = language == .jsonPath ? "Parameters" : "Arguments"
        checkFields(reader, allowed: ["Resource", parameters, "ReaderConfig"], at: at)
        checkRequired(reader, ["Resource"], at: at)
        if let resource = string(reader, "Resource", at: at),
           !Self.isS3Integration(resource, actions: ["getObject", "listObjectsV2"]) {
            issues.schema("The field 'Resource' does not match any of the allowed values", at: Pointer.join(at, "Resource"))
        }
        readIntegrationParameters(reader, parameters, language: language, at: at)
        if let config = object(reader, "ReaderConfig", at: at) {
            let configAt = Pointer.join(at, "ReaderConfig")
            var allowed: Set<String> = ["InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "MaxItems", "ManifestType"]
            if language == .jsonPath { allowed.insert("MaxItemsPath") }
            checkFields(config, allowed: allowed, at: configAt)
            _ = numberSource(config, "MaxItems", language: language, integer: true, in: 0...100_000_000, at: configAt)
        }
        return .object(reader)
    }

    private mutating func readResultWriter(_ o: JSONObject, language: QueryLanguage, at location: String) -> JSON? {
        guard let writer = object(o, "ResultWriter", at: location) else { return nil }
        let at = Pointer.join(location, "ResultWriter")
        let parameters = language == .jsonPath ? "Parameters" : "Arguments"
        checkFields(writer, allowed: ["Resource", parameters, "WriterConfig"], at: at)
        if writer["Resource"] == nil, writer["WriterConfig"] == nil {
            issues.schema("These fields are required: [Resource]", at: at)
        }
        if let resource = string(writer, "Resource", at: at), !Self.isS3Integration(resource, actions: ["putObject"]) {
            issues.schema("The field 'Resource' does not match any of the allowed values", at: Pointer.join(at, "Resource"))
        }
        readIntegrationParameters(writer, parameters, language: language, at: at)
        if let config = object(writer, "WriterConfig", at: at) {
            checkFields(config, allowed: ["OutputType", "Transformation"], at: Pointer.join(at, "WriterConfig"))
        }
        return .object(writer)
    }

    private mutating func readIntegrationParameters(_ o: JSONObject, _ field: String, language: QueryLanguage,
                                                    at location: String) {
        guard o[field] != nil else { return }
        switch language {
        case .jsonPath: _ = payloadTemplate(o, field, at: location)
        case .jsonata: _ = jsonataTemplate(o, field, objectOnly: false, at: location)
        }
    }

    /// `arn:PARTITION:states:::s3:ACTION` for one of `actions`.
    static func isS3Integration(_ arn: String, actions: Set<String>) -> Bool {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 7 && parts[0] == "arn" && !parts[1].isEmpty && parts[2] == "states" && parts[3].isEmpty
            && parts[4].isEmpty && parts[5] == "s3" && actions.contains(String(parts[6]))
    }
}
