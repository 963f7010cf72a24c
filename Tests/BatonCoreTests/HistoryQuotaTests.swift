import BatonCore
import BatonLanguage
import Testing

// AWS keeps at most 25,000 events per execution: "If the event number 25,000 isn't ExecutionSucceeded, the
// ExecutionFailed event is logged and the state machine execution fails because of reaching the history limit"
// (AWS Step Functions developer guide, "Avoid reaching the history quota").
@Suite("The 25,000-event history quota")
struct HistoryQuotaTests {
    @Test("a loop of states that never waits ends FAILED at event 25,000 instead of never returning")
    func endlessLoop() throws {
        let run = try Drive(#"""
            {"StartAt": "A", "States": {
              "A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": 1, "Next": "B"}], "Default": "S"},
              "B": {"Type": "Pass", "Next": "A"},
              "S": {"Type": "Succeed"}}}
            """#, input: ["x": 1])
        #expect(run.status == .failed)
        #expect(run.history.count == 25_000)
        #expect(run.history.last?.type == .executionFailed)
    }

    @Test("a loop through a Wait ends FAILED at event 25,000")
    func endlessWaitLoop() throws {
        var run = try Drive(#"""
            {"StartAt": "W", "States": {
              "W": {"Type": "Wait", "Seconds": 1, "Next": "C"},
              "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}], "Default": "W"},
              "Done": {"Type": "Succeed"}}}
            """#)
        var fired = 0
        while run.status == .running, fired < 20_000 {
            try run.fireNextTimer()
            fired += 1
        }
        #expect(run.status == .failed)
        #expect(run.history.count == 25_000)
        #expect(run.history.last?.type == .executionFailed)
    }
}
