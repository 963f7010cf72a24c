import BatonCore
import BatonLanguage
import Testing

@Suite("Timestamps: ISO-8601 without a clock")
struct TimestampTests {
    @Test("format writes milliseconds since the epoch as AWS does", arguments: [
        (Millis(0), "1970-01-01T00:00:00.000Z"),
        (Millis(-1), "1969-12-31T23:59:59.999Z"),
        (Millis(951_782_400_000), "2000-02-29T00:00:00.000Z"),
        (Millis(1_700_000_000_123), "2023-11-14T22:13:20.123Z"),
        (Millis(4_102_444_799_999), "2099-12-31T23:59:59.999Z"),
    ])
    func format(ms: Millis, text: String) {
        #expect(Timestamps.format(ms) == text)
    }

    @Test("parse reads RFC 3339 timestamps with offsets and fractions")
    func parse() {
        #expect(Timestamps.parse("2024-01-01T00:00:00Z") == 1_704_067_200_000)
        #expect(Timestamps.parse("2024-01-01T00:00:00.123Z") == 1_704_067_200_123)
        #expect(Timestamps.parse("2024-01-01T01:00:00+01:00") == 1_704_067_200_000)
        #expect(Timestamps.parse("2023-12-31T19:00:00-05:00") == 1_704_067_200_000)
    }

    @Test("parse refuses what is not an RFC 3339 timestamp with an uppercase T and Z",
          arguments: ["", "tomorrow", "2024-01-01", "2024-13-01T00:00:00Z", "2024-01-01t00:00:00Z", "2024-01-01T00:00:00z",
                      "2024-01-01 00:00:00Z"])
    func parseRefuses(text: String) {
        #expect(Timestamps.parse(text) == nil)
    }

    @Test("parse(format(t)) gives t back, across centuries and leap years")
    func roundTrip() {
        var t: Millis = -2_208_988_800_000  // 1900-01-01
        let step: Millis = 86_400_000 * 37 + 3_600_000 * 5 + 61_001
        while t < 4_102_444_800_000 {  // 2100-01-01
            #expect(Timestamps.parse(Timestamps.format(t)) == t)
            t += step
        }
    }
}

@Suite("History events as GetExecutionHistory returns them")
struct HistoryEncodingTests {
    @Test("each event type names its details member as AWS does", arguments: [
        (HistoryEventType.executionStarted, "executionStartedEventDetails"),
        (.executionTimedOut, "executionTimedOutEventDetails"),
        (.passStateEntered, "stateEnteredEventDetails"),
        (.parallelStateEntered, "stateEnteredEventDetails"),
        (.mapStateExited, "stateExitedEventDetails"),
        (.taskTimedOut, "taskTimedOutEventDetails"),
        (.mapIterationStarted, "mapIterationStartedEventDetails"),
        (.mapStateStarted, "mapStateStartedEventDetails"),
        (.lambdaFunctionScheduled, "lambdaFunctionScheduledEventDetails"),
        (.activityTimedOut, "activityTimedOutEventDetails"),
    ])
    func detailsKey(type: HistoryEventType, key: String) {
        #expect(type.detailsKey == key)
    }

    @Test("a Task's events carry AWS's fields, payloads as JSON text")
    func taskEvents() throws {
        var run = try Drive(#"""
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
              "TimeoutSeconds": 600, "HeartbeatSeconds": 5, "Parameters": {"QueueUrl": "q", "Body.$": "$.m"}, "End": true}}}
            """#, input: ["m": "hello"])
        let scheduled = try #require(run.events(.taskScheduled).first).awsJSON()
        #expect(scheduled["type"] == "TaskScheduled")
        #expect(scheduled["id"] == 3)
        #expect(scheduled["previousEventId"] == 2)
        #expect(scheduled["timestamp"] == "2023-11-14T22:13:20.000Z")
        let details = try #require(scheduled["taskScheduledEventDetails"])
        #expect(details["resourceType"] == "sqs")
        #expect(details["resource"] == "sendMessage.waitForTaskToken")
        #expect(details["region"] == "us-east-1")
        #expect(details["parameters"] == #"{"QueueUrl":"q","Body":"hello"}"#)
        #expect(details["timeoutInSeconds"] == 600)
        #expect(details["heartbeatInSeconds"] == 5)
        let started = try #require(run.events(.taskStarted).first).awsJSON()
        #expect(started["taskStartedEventDetails"] == ["resourceType": "sqs", "resource": "sendMessage.waitForTaskToken"])

        try run.fireNextTimer()  // the heartbeat, due first
        let timedOut = try #require(run.events(.taskTimedOut).first).awsJSON()
        #expect(timedOut["taskTimedOutEventDetails"]?["resourceType"] == "sqs")
        #expect(timedOut["taskTimedOutEventDetails"]?["resource"] == "sendMessage.waitForTaskToken")
        #expect(timedOut["taskTimedOutEventDetails"]?["cause"] == nil)
        let failed = try #require(run.events(.executionFailed).first).awsJSON()
        #expect(failed["executionFailedEventDetails"]?["cause"] == nil)
    }

    @Test("Map iteration events name the Map state and the item's index")
    func mapIterationEvents() throws {
        let run = try Drive(#"""
            {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
              "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}
            """#, input: ["a", "b"])
        let started = run.events(.mapIterationStarted).map { $0.awsJSON()["mapIterationStartedEventDetails"] }
        #expect(started == [["name": "M", "index": 0], ["name": "M", "index": 1]])
        #expect(run.events(.mapStateStarted).first?.awsJSON()["mapStateStartedEventDetails"] == ["length": 2])
    }
}
