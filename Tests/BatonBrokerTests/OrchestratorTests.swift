import BatonAMQP
import BatonBroker
import BatonEngine
import BatonLanguage
import Foundation
import BatonTestSupport
import Testing

/// `arn:aws:lambda:…:function:NAME`: routed to the queue `<prefix>.NAME` by the harness's routing.
private func fn(_ name: String) -> String { "arn:aws:lambda:us-east-1:123456789012:function:\(name)" }

@Suite("The orchestrator over a real broker", .timeLimit(.minutes(3)))
struct OrchestratorTests {
    @Test("one task: the worker gets the input with the protocol's properties and its reply is the execution's output")
    func oneTask() async throws {
        let def = #"{"StartAt":"Greet","States":{"Greet":{"Type":"Task","Resource":"\#(fn("greet"))","End":true}}}"#
        let run = try await RunningOrchestrator.start("one", definitions: ["hello": def])
        let worker = try await run.worker("greet") { task, _ in
            .output(["greeting": .string("hello \(task.json?["who"]?.stringValue ?? "?")")])
        }
        let cid = try await run.startExecution("hello", name: "first", input: ["who": "world"])
        let result = try #require(await run.result())
        #expect(result.correlationID == cid)
        #expect(result.body == json(#"""
            {"executionArn":"arn:aws:states:us-east-1:123456789012:execution:hello:first","status":"SUCCEEDED",
             "output":{"greeting":"hello world"}}
            """#))
        let task = try #require(worker.received.first)
        #expect(task.json == ["who": "world"])
        let p = task.delivery.properties
        #expect(p.replyTo == run.repliesQueue)
        #expect(p.correlationID != nil && p.correlationID == p.messageID)
        #expect((p.correlationID?.count ?? 0) >= 16)
        #expect(p.deliveryMode == .persistent)
        #expect(task.headers["baton-execution-arn"]?.stringValue == "arn:aws:states:us-east-1:123456789012:execution:hello:first")
        #expect(task.headers["baton-state"]?.stringValue == "Greet")
        #expect(task.headers["baton-attempt"]?.intValue == 0)
        #expect(task.headers["baton-resource"]?.stringValue == fn("greet"))
        #expect(task.headers["baton-deadline"] == nil)
        #expect(task.headers["baton-heartbeat-seconds"] == nil)
        let trace = task.headers["traceparent"]?.stringValue ?? ""
        #expect(trace.hasPrefix("00-") && trace.count == 55, "traceparent \(trace)")
        worker.stop()
        await run.stop()
    }

    @Test("a sequence of three tasks runs in order, each getting the previous one's output")
    func sequence() async throws {
        let def = #"""
            {"StartAt":"A","States":{
              "A":{"Type":"Task","Resource":"\#(fn("step"))","Parameters":{"trail.$":"$.trail","me":"A"},"Next":"B"},
              "B":{"Type":"Task","Resource":"\#(fn("step"))","Parameters":{"trail.$":"$.trail","me":"B"},"Next":"C"},
              "C":{"Type":"Task","Resource":"\#(fn("step"))","Parameters":{"trail.$":"$.trail","me":"C"},"End":true}}}
            """#
        let run = try await RunningOrchestrator.start("seq", definitions: ["seq": def])
        let worker = try await run.worker("step") { task, _ in
            guard let input = task.json, case .array(let trail)? = input["trail"], let me = input["me"] else {
                return .failure(error: "BadInput", cause: "no trail")
            }
            return .output(["trail": .array(trail + [me])])
        }
        try await run.startExecution("seq", input: ["trail": []])
        let result = try #require(await run.result())
        #expect(result.body["status"] == "SUCCEEDED")
        #expect(result.body["output"] == json(#"{"trail":["A","B","C"]}"#))
        #expect(worker.received.map { $0.headers["baton-state"]?.stringValue ?? "" } == ["A", "B", "C"])
        worker.stop()
        await run.stop()
    }

    @Test("Parallel publishes every branch's task at once and joins the outputs in branch order")
    func parallel() async throws {
        let def = #"""
            {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
              {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"\#(fn("slow"))","Parameters":{"b":"A","ms":600},"End":true}}},
              {"StartAt":"B","States":{"B":{"Type":"Task","Resource":"\#(fn("slow"))","Parameters":{"b":"B","ms":300},"End":true}}},
              {"StartAt":"C","States":{"C":{"Type":"Task","Resource":"\#(fn("slow"))","Parameters":{"b":"C","ms":0},"End":true}}}]}}}
            """#
        let run = try await RunningOrchestrator.start("par", definitions: ["par": def])
        let worker = try await run.worker("slow") { task, _ in
            let ms = task.json?["ms"]?.intValue ?? 0
            try await Task.sleep(for: .milliseconds(ms))
            return .output(["branch": task.json?["b"] ?? .null])
        }
        try await run.startExecution("par")
        let result = try #require(await run.result())
        #expect(result.body["status"] == "SUCCEEDED")
        #expect(result.body["output"] == json(#"[{"branch":"A"},{"branch":"B"},{"branch":"C"}]"#))
        #expect(worker.maxInFlight == 3, "the three branches' tasks should be in hand at once")
        worker.stop()
        await run.stop()
    }

    @Test("Map with MaxConcurrency 2 over 8 items: never more than 2 tasks in flight, outputs in item order")
    func mapMaxConcurrency() async throws {
        let def = #"""
            {"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":2,"End":true,"ItemProcessor":{
              "ProcessorConfig":{"Mode":"INLINE"},"StartAt":"T","States":{
                "T":{"Type":"Task","Resource":"\#(fn("item"))","End":true}}}}}}
            """#
        let run = try await RunningOrchestrator.start("map", definitions: ["map": def])
        let worker = try await run.worker("item") { task, _ in
            try await Task.sleep(for: .milliseconds(150))
            return .output(.int((task.json?.intValue ?? 0) * 10))
        }
        try await run.startExecution("map", input: [1, 2, 3, 4, 5, 6, 7, 8])
        let result = try #require(await run.result())
        #expect(result.body["status"] == "SUCCEEDED")
        #expect(result.body["output"] == [10, 20, 30, 40, 50, 60, 70, 80])
        #expect(worker.received.count == 8)
        #expect(worker.maxInFlight <= 2, "\(worker.maxInFlight) tasks were in flight at once")
        #expect(worker.maxInFlight == 2, "MaxConcurrency 2 should run two at once")
        worker.stop()
        await run.stop()
    }

    @Test("Map over 30 items whose replies all arrive at once: every reply counts and the execution succeeds")
    func mapBurstOfReplies() async throws {
        let def = #"""
            {"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{
              "ProcessorConfig":{"Mode":"INLINE"},"StartAt":"T","States":{
                "T":{"Type":"Task","Resource":"\#(fn("burst"))","End":true}}}}}}
            """#
        let run = try await RunningOrchestrator.start("burst", definitions: ["burst": def])
        let all = Locked(false)
        let worker = try await run.worker("burst", prefetch: 64) { task, worker in
            // Hold every task until all 30 are in hand, then answer them together.
            while !all.current {
                if worker.received.count >= 30 { all.withLock { $0 = true } }
                try await Task.sleep(for: .milliseconds(5))
            }
            return .output(task.json ?? .null)
        }
        try await run.startExecution("burst", name: "b1", input: .array((0..<30).map { JSON.int($0) }))
        let result = await run.result(timeout: .seconds(10))
        let status = await run.orchestrator.describe("arn:aws:states:us-east-1:123456789012:execution:burst:b1")?.status
        #expect(worker.received.count == 30)
        #expect(result?.body["status"] == "SUCCEEDED", "no result in 10 s; the execution is \(String(describing: status))")
        #expect(result?.body["output"] == .array((0..<30).map { JSON.int($0) }))
        worker.stop()
        await run.stop()
    }

    @Test("Retry with backoff: attempts come after at least IntervalSeconds × BackoffRate^n, timed by broker timers")
    func retryBackoff() async throws {
        let def = #"""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(fn("flaky"))","End":true,
              "Retry":[{"ErrorEquals":["Flaky"],"IntervalSeconds":1,"BackoffRate":1.5,"MaxAttempts":3}]}}}
            """#
        let run = try await RunningOrchestrator.start("retry", definitions: ["retry": def])
        let replied = Locked<[ContinuousClock.Instant]>([])
        let worker = try await run.worker("flaky") { task, _ in
            let attempt = task.headers["baton-attempt"]?.intValue ?? -1
            replied.withLock { $0.append(.now) }
            return attempt < 2 ? .failure(error: "Flaky", cause: "attempt \(attempt)") : .output(["attempt": .int(attempt)])
        }
        try await run.startExecution("retry")
        let result = try #require(await run.result())
        #expect(result.body["status"] == "SUCCEEDED")
        #expect(result.body["output"] == ["attempt": 2])
        let tasks = worker.received
        try #require(tasks.count == 3)
        #expect(tasks.map { $0.headers["baton-attempt"]?.intValue } == [0, 1, 2])
        let failedAt = replied.current
        let gap1 = milliseconds(failedAt[0], tasks[1].at)
        let gap2 = milliseconds(failedAt[1], tasks[2].at)
        #expect(gap1 >= 1_000 && gap1 < 1_800, "first retry after \(gap1) ms, wanted 1,000 ms")
        #expect(gap2 >= 1_500 && gap2 < 2_300, "second retry after \(gap2) ms, wanted 1,500 ms")
        // The tokens differ per attempt.
        #expect(Set(tasks.compactMap { $0.delivery.properties.correlationID }).count == 3)
        worker.stop()
        await run.stop()
    }

    @Test("Catch: a task failure with error and cause goes to the catcher with them in ResultPath")
    func catchFailure() async throws {
        let def = #"""
            {"StartAt":"T","States":{
              "T":{"Type":"Task","Resource":"\#(fn("boom"))","Next":"Done",
                   "Catch":[{"ErrorEquals":["Boom"],"ResultPath":"$.err","Next":"Handled"}]},
              "Handled":{"Type":"Pass","End":true},
              "Done":{"Type":"Succeed"}}}
            """#
        let run = try await RunningOrchestrator.start("catch", definitions: ["catch": def])
        let worker = try await run.worker("boom") { _, _ in .failure(error: "Boom", cause: "it broke") }
        try await run.startExecution("catch", input: ["order": 7])
        let result = try #require(await run.result())
        #expect(result.body["status"] == "SUCCEEDED")
        #expect(result.body["output"] == json(#"{"order":7,"err":{"Error":"Boom","Cause":"it broke"}}"#))
        #expect(worker.received.count == 1)
        worker.stop()
        await run.stop()
    }

    @Test("an uncaught task failure fails the execution; the result carries error and cause")
    func uncaughtFailure() async throws {
        let def = #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(fn("nope"))","End":true}}}"#
        let run = try await RunningOrchestrator.start("fail", definitions: ["fail": def])
        let worker = try await run.worker("nope") { _, _ in .failure(error: "NoCarrier", cause: "none could take it") }
        let cid = try await run.startExecution("fail", name: "f1")
        let result = try #require(await run.result())
        #expect(result.correlationID == cid)
        #expect(result.body == json(#"""
            {"executionArn":"arn:aws:states:us-east-1:123456789012:execution:fail:f1","status":"FAILED",
             "error":"NoCarrier","cause":"none could take it"}
            """#))
        worker.stop()
        await run.stop()
    }

    @Test("TimeoutSeconds: a worker that never answers fails the task with States.Timeout after the timeout")
    func timeout() async throws {
        let def = #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(fn("mute"))","TimeoutSeconds":1,"End":true}}}"#
        let run = try await RunningOrchestrator.start("timeout", definitions: ["timeout": def])
        let worker = try await run.worker("mute") { _, _ in .none }
        let started = ContinuousClock.now
        let wall = Int64(Date().timeIntervalSince1970 * 1000)
        try await run.startExecution("timeout")
        let result = try #require(await run.result())
        #expect(result.body["status"] == "FAILED")
        #expect(result.body["error"] == "States.Timeout")
        let elapsed = milliseconds(started, result.at)
        #expect(elapsed >= 1_000 && elapsed < 3_000, "timed out after \(elapsed) ms")
        let deadline = try #require(worker.received.first?.headers["baton-deadline"]?.intValue)
        #expect(abs(Int64(deadline) - (wall + 1_000)) < 1_000, "baton-deadline \(deadline), start \(wall)")
        worker.stop()
        await run.stop()
    }

    @Test("HeartbeatSeconds: no heartbeat within the interval fails the task long before TimeoutSeconds, as States.Timeout (AWS's recording) that Catch [States.HeartbeatTimeout] also matches")
    func heartbeatExpires() async throws {
        let def = #"""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(fn("quiet"))","TimeoutSeconds":30,
              "HeartbeatSeconds":1,"End":true}}}
            """#
        let caught = #"""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(fn("quiet"))","TimeoutSeconds":30,
              "HeartbeatSeconds":1,"End":true,
              "Catch":[{"ErrorEquals":["States.HeartbeatTimeout"],"ResultPath":"$.missed","Next":"Caught"}]},
              "Caught":{"Type":"Pass","End":true}}}
            """#
        let run = try await RunningOrchestrator.start("hbx", definitions: ["hbx": def, "hbcatch": caught])
        let worker = try await run.worker("quiet") { _, _ in .none }
        let started = ContinuousClock.now
        try await run.startExecution("hbx")
        let result = try #require(await run.result())
        #expect(result.body["status"] == "FAILED")
        #expect(result.body["error"] == "States.Timeout")
        let elapsed = milliseconds(started, result.at)
        #expect(elapsed >= 1_000 && elapsed < 3_500, "heartbeat timeout after \(elapsed) ms")
        #expect(worker.received.first?.headers["baton-heartbeat-seconds"]?.intValue == 1)
        try await run.startExecution("hbcatch", input: ["k": 1])
        let second = try #require(await run.result())
        #expect(second.body["status"] == "SUCCEEDED")
        #expect(second.body["output"]?["missed"]?["Error"] == "States.Timeout")
        worker.stop()
        await run.stop()
    }

    @Test("heartbeats every 300 ms keep a 2.5 s task alive past its 1 s HeartbeatSeconds")
    func heartbeatsKeepAlive() async throws {
        let def = #"""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(fn("busy"))","TimeoutSeconds":20,
              "HeartbeatSeconds":1,"End":true}}}
            """#
        let run = try await RunningOrchestrator.start("hbok", definitions: ["hbok": def])
        let worker = try await run.worker("busy") { task, worker in
            for _ in 0..<8 {
                try await Task.sleep(for: .milliseconds(300))
                try await worker.reply(to: task, body: .emptyObject, status: "heartbeat")
            }
            return .output(["done": true])
        }
        let started = ContinuousClock.now
        try await run.startExecution("hbok")
        let result = try #require(await run.result())
        #expect(result.body["status"] == "SUCCEEDED", "\(result.body.serialized())")
        #expect(result.body["output"] == ["done": true])
        #expect(milliseconds(started, result.at) >= 2_400)
        // Heartbeats are not dead letters.
        #expect(run.dead.received.isEmpty)
        worker.stop()
        await run.stop()
    }

    @Test(".waitForTaskToken: the worker gets $$.Task.Token; SendTaskSuccess on <prefix>.control completes the task with its output")
    func waitForTaskToken() async throws {
        let def = #"""
            {"StartAt":"Ask","States":{"Ask":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
              "Parameters":{"FunctionName":"approver","Payload":{"token.$":"$$.Task.Token","order.$":"$.order"}},
              "Next":"Done"},
              "Done":{"Type":"Pass","End":true}}}
            """#
        let run = try await RunningOrchestrator.start("wftt", definitions: ["approve": def])
        let worker = try await run.worker("approver") { _, _ in .none }
        try await run.startExecution("approve", input: ["order": "A-1"])
        let task = try #require(await worker.waitForTasks(1).first)
        let token = try #require(task.json?["token"]?.stringValue)
        #expect(task.json?["order"] == "A-1")
        // Nothing happens until the token comes back.
        try await Task.sleep(for: .milliseconds(300))
        #expect(run.results.received.isEmpty)
        let control: JSON = ["action": "SendTaskSuccess", "taskToken": .string(token), "output": ["approved": true]]
        try await run.publishRaw(Array(control.serialized().utf8), to: run.controlQueue)
        let result = try #require(await run.result())
        #expect(result.body["status"] == "SUCCEEDED")
        #expect(result.body["output"] == ["approved": true],
                "the callback's output is the task's result as is; got \(result.body["output"]?.serialized() ?? "nil")")
        #expect(run.dead.received.isEmpty)
        worker.stop()
        await run.stop()
    }

    @Test(".waitForTaskToken: SendTaskFailure on <prefix>.control fails the task with its error and cause")
    func waitForTaskTokenFailure() async throws {
        let def = #"""
            {"StartAt":"Ask","States":{"Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
              "Parameters":{"QueueUrl":"q","MessageBody":{"token.$":"$$.Task.Token"}},"End":true}}}
            """#
        let run = try await RunningOrchestrator.start("wfttf", definitions: ["ask": def])
        let worker = try await run.worker("sqs:sendMessage") { _, _ in .none }
        try await run.startExecution("ask")
        let task = try #require(await worker.waitForTasks(1).first)
        let token = try #require(task.json?["MessageBody"]?["token"]?.stringValue)
        let control: JSON = ["action": "SendTaskFailure", "taskToken": .string(token), "error": "Rejected", "cause": "no"]
        try await run.publishRaw(Array(control.serialized().utf8), to: run.controlQueue)
        let result = try #require(await run.result())
        #expect(result.body["status"] == "FAILED")
        #expect(result.body["error"] == "Rejected")
        #expect(result.body["cause"] == "no")
        worker.stop()
        await run.stop()
    }

    @Test("idempotent start by name: two starts with the same name and input make one execution and both get its result")
    func idempotentStart() async throws {
        let def = #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(fn("once"))","End":true}}}"#
        let run = try await RunningOrchestrator.start("idem", definitions: ["idem": def])
        let release = Locked(false)
        let worker = try await run.worker("once") { task, _ in
            while !release.current { try await Task.sleep(for: .milliseconds(10)) }
            return .output(["n": task.json?["n"] ?? .null])
        }
        let c1 = try await run.startExecution("idem", name: "order-1", input: ["n": 1], correlationID: "c1")
        let c2 = try await run.startExecution("idem", name: "order-1", input: ["n": 1], correlationID: "c2")
        _ = await worker.waitForTasks(1)
        try await Task.sleep(for: .milliseconds(300))
        release.withLock { $0 = true }
        let r1 = try #require(await run.result())
        let r2 = try #require(await run.result())
        #expect(Set([r1.correlationID, r2.correlationID]) == Set([c1, c2]))
        let expected = json(#"""
            {"executionArn":"arn:aws:states:us-east-1:123456789012:execution:idem:order-1","status":"SUCCEEDED","output":{"n":1}}
            """#)
        #expect(r1.body == expected)
        #expect(r2.body == expected)
        #expect(worker.received.count == 1, "one execution, one task")
        #expect(await run.orchestrator.listExecutions(stateMachine: "idem").count == 1)
        // After the end, the same start answers at once with the same result and starts nothing.
        let c3 = try await run.startExecution("idem", name: "order-1", input: ["n": 1], correlationID: "c3")
        let r3 = try #require(await run.result())
        #expect(r3.correlationID == c3)
        #expect(r3.body == expected)
        // Another input under the same name is dead-lettered as ExecutionAlreadyExists.
        try await run.startExecution("idem", name: "order-1", input: ["n": 2], correlationID: "c4")
        let dead = try #require(await run.dead.next())
        #expect(dead.headers["baton-dead-error"]?.stringValue == "ExecutionAlreadyExists")
        try await Task.sleep(for: .milliseconds(300))
        #expect(worker.received.count == 1)
        #expect(run.results.received.count == 3)
        worker.stop()
        await run.stop()
    }

    @Test("the events exchange gets RUNNING then SUCCEEDED, keyed execution.<STATUS>.<stateMachine>, with the detail body")
    func events() async throws {
        let def = #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(fn("ev"))","End":true}}}"#
        let run = try await RunningOrchestrator.start("events", definitions: ["shop": def])
        let worker = try await run.worker("ev") { _, _ in .output(["ok": true]) }
        try await run.startExecution("shop", name: "e1", input: ["a": 1])
        _ = try #require(await run.result())
        let running = try #require(await run.events.next())
        let succeeded = try #require(await run.events.next())
        #expect(running.delivery.routingKey == "execution.RUNNING.shop")
        #expect(succeeded.delivery.routingKey == "execution.SUCCEEDED.shop")
        let arn = "arn:aws:states:us-east-1:123456789012:execution:shop:e1"
        #expect(running.json?["status"] == "RUNNING")
        #expect(running.json?["executionArn"] == .string(arn))
        #expect(running.json?["stateMachineArn"] == "arn:aws:states:us-east-1:123456789012:stateMachine:shop")
        #expect(running.json?["name"] == "e1")
        #expect(running.json?["input"] == #"{"a":1}"#)
        #expect(running.json?["stopDate"] == .null)
        #expect(succeeded.json?["status"] == "SUCCEEDED")
        #expect(succeeded.json?["output"] == #"{"ok":true}"#)
        #expect(succeeded.json?["stopDate"]?.isNumber == true)
        #expect(await run.events.next(timeout: .milliseconds(300)) == nil)
        worker.stop()
        await run.stop()
    }

    @Test("a duplicate reply is ignored: the first answer stands and nothing is dead-lettered")
    func duplicateReply() async throws {
        let def = #"""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(fn("dup"))","Next":"W"},
              "W":{"Type":"Wait","Seconds":1,"End":true}}}
            """#
        let run = try await RunningOrchestrator.start("dup", definitions: ["dup": def])
        let worker = try await run.worker("dup") { task, worker in
            try await worker.reply(to: task, body: ["answer": 1])
            try await worker.reply(to: task, body: ["answer": 1])
            try await worker.reply(to: task, body: ["answer": 2])
            return .none
        }
        try await run.startExecution("dup", name: "d1")
        let result = try #require(await run.result())
        #expect(result.body["output"] == ["answer": 1])
        try await Task.sleep(for: .milliseconds(300))
        #expect(run.dead.received.isEmpty, "dead letters: \(run.dead.received.map { $0.headers["baton-dead-error"]?.stringValue ?? "" })")
        #expect(run.results.received.count == 1)
        #expect(try await run.client.inspect(queue: run.repliesQueue).messageCount == 0)
        worker.stop()
        await run.stop()
    }

    @Test("a late reply after a timeout is ignored: the execution's output stays the Catch path's, nothing dead-lettered")
    func lateReplyAfterTimeout() async throws {
        let def = #"""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(fn("late"))","TimeoutSeconds":1,"End":true,
              "Catch":[{"ErrorEquals":["States.Timeout"],"ResultPath":"$.timedOut","Next":"Fallback"}]},
              "Fallback":{"Type":"Pass","End":true}}}
            """#
        let run = try await RunningOrchestrator.start("late", definitions: ["late": def])
        let worker = try await run.worker("late") { _, _ in
            try await Task.sleep(for: .milliseconds(1_800))
            return .output(["late": true])
        }
        try await run.startExecution("late", name: "l1", input: ["x": 1])
        let result = try #require(await run.result())
        #expect(result.body["status"] == "SUCCEEDED")
        #expect(result.body["output"]?["timedOut"]?["Error"] == "States.Timeout")
        #expect(result.body["output"]?["x"] == 1)
        // Wait for the late reply to arrive and be handled.
        try await Task.sleep(for: .milliseconds(1_500))
        #expect(run.dead.received.isEmpty)
        #expect(run.results.received.count == 1)
        let record = try #require(await run.orchestrator.describe("arn:aws:states:us-east-1:123456789012:execution:late:l1"))
        #expect(record.status == .succeeded)
        #expect(record.output == result.body["output"])
        #expect(try await run.client.inspect(queue: run.repliesQueue).messageCount == 0)
        worker.stop()
        await run.stop()
    }

    @Test("a sibling's late reply after a failing Parallel branch is ignored")
    func lateSiblingReply() async throws {
        let def = #"""
            {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
              {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"\#(fn("sib"))","Parameters":{"fail":true},"End":true}}},
              {"StartAt":"B","States":{"B":{"Type":"Task","Resource":"\#(fn("sib"))","Parameters":{"fail":false},"End":true}}}]}}}
            """#
        let run = try await RunningOrchestrator.start("sib", definitions: ["sib": def])
        let worker = try await run.worker("sib") { task, _ in
            if task.json?["fail"] == true { return .failure(error: "BranchFailed", cause: "A") }
            try await Task.sleep(for: .milliseconds(700))
            return .output(["b": "late"])
        }
        try await run.startExecution("sib")
        let result = try #require(await run.result())
        #expect(result.body["status"] == "FAILED")
        #expect(result.body["error"] == "BranchFailed")
        try await Task.sleep(for: .milliseconds(1_000))
        #expect(worker.received.count == 2)
        #expect(run.dead.received.isEmpty)
        #expect(run.results.received.count == 1)
        worker.stop()
        await run.stop()
    }

    @Test("StopExecution on <prefix>.control aborts an execution waiting on a task; the task's late reply is ignored")
    func stopExecution() async throws {
        let def = #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(fn("hang"))","End":true}}}"#
        let run = try await RunningOrchestrator.start("stop", definitions: ["stop": def])
        let worker = try await run.worker("hang") { _, _ in .none }
        let cid = try await run.startExecution("stop", name: "s1")
        let task = try #require(await worker.waitForTasks(1).first)
        let arn = "arn:aws:states:us-east-1:123456789012:execution:stop:s1"
        let control: JSON = ["action": "StopExecution", "executionArn": .string(arn), "error": "Operator", "cause": "enough"]
        try await run.publishRaw(Array(control.serialized().utf8), to: run.controlQueue)
        let result = try #require(await run.result())
        #expect(result.correlationID == cid)
        #expect(result.body == json(#"{"executionArn":"\#(arn)","status":"ABORTED","error":"Operator","cause":"enough"}"#))
        try await worker.reply(to: task, body: ["too": "late"])
        let events = [await run.events.next(), await run.events.next()].map { $0?.delivery.routingKey }
        #expect(events == ["execution.RUNNING.stop", "execution.ABORTED.stop"])
        try await Task.sleep(for: .milliseconds(300))
        #expect(run.dead.received.isEmpty)
        #expect(await run.orchestrator.describe(arn)?.status == .aborted)
        worker.stop()
        await run.stop()
    }

    @Test("a start by stateMachineArn with the input as JSON text, as the AWS API allows")
    func startByArnWithTextInput() async throws {
        let def = #"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#
        let run = try await RunningOrchestrator.start("arn", definitions: ["byarn": def])
        let body: JSON = ["stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:byarn",
                          "input": #"{"text":"HelloWorld","n":[1,2]}"#]
        try await run.publishRaw(Array(body.serialized().utf8), to: run.startQueue,
                                 properties: AMQPProperties(correlationID: "x", replyTo: run.resultsQueue))
        let result = try #require(await run.result())
        #expect(result.body["status"] == "SUCCEEDED")
        #expect(result.body["output"] == json(#"{"text":"HelloWorld","n":[1,2]}"#))
        await run.stop()
    }

    @Test("a trigger: a message routed to the bound exchange and key starts the state machine with its body as input")
    func trigger() async throws {
        let def = #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(fn("ship"))","End":true}}}"#
        let run = try await RunningOrchestrator.start("trigger", definitions: ["ship": def]) { prefix in
            [BrokerConfiguration.Trigger(exchange: "\(prefix).orders", routingKey: "order.created", stateMachine: "ship")]
        }
        let worker = try await run.worker("ship") { task, _ in .output(["shipped": task.json ?? .null]) }
        try await run.client.publish(Array(#"{"order":"A-9"}"#.utf8), exchange: "\(run.prefix).orders",
                                     routingKey: "order.created", properties: AMQPProperties(messageID: "order-A-9"))
        let tasks = await worker.waitForTasks(1)
        #expect(tasks.first?.json == ["order": "A-9"])
        #expect(tasks.first?.headers["baton-execution-arn"]?.stringValue
                == "arn:aws:states:us-east-1:123456789012:execution:ship:order-A-9")
        let ended = try #require(await run.events.next(timeout: .seconds(10)))
        #expect(ended.delivery.routingKey == "execution.RUNNING.ship")
        let done = try #require(await run.events.next(timeout: .seconds(10)))
        #expect(done.delivery.routingKey == "execution.SUCCEEDED.ship")
        #expect(done.json?["output"] == #"{"shipped":{"order":"A-9"}}"#)
        worker.stop()
        await run.stop()
    }

    @Test(".waitForTaskToken with HeartbeatSeconds: SendTaskHeartbeat control messages keep it alive until SendTaskSuccess")
    func controlHeartbeats() async throws {
        let def = #"""
            {"StartAt":"Ask","States":{"Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
              "HeartbeatSeconds":1,"Parameters":{"QueueUrl":"q","MessageBody":{"token.$":"$$.Task.Token"}},"End":true}}}
            """#
        let run = try await RunningOrchestrator.start("cbhb", definitions: ["cbhb": def])
        let worker = try await run.worker("sqs:sendMessage") { _, _ in .none }
        try await run.startExecution("cbhb")
        let task = try #require(await worker.waitForTasks(1).first)
        let token = try #require(task.json?["MessageBody"]?["token"]?.stringValue)
        for _ in 0..<6 {
            try await Task.sleep(for: .milliseconds(350))
            let hb: JSON = ["action": "SendTaskHeartbeat", "taskToken": .string(token)]
            try await run.publishRaw(Array(hb.serialized().utf8), to: run.controlQueue)
        }
        #expect(run.results.received.isEmpty, "timed out despite heartbeats")
        let ok: JSON = ["action": "SendTaskSuccess", "taskToken": .string(token), "output": #"{"fine":1}"#]
        try await run.publishRaw(Array(ok.serialized().utf8), to: run.controlQueue)
        let result = try #require(await run.result())
        #expect(result.body["status"] == "SUCCEEDED")
        #expect(result.body["output"] == ["fine": 1])
        worker.stop()
        await run.stop()
    }

    @Test("Retry with MaxDelaySeconds caps the backoff; a Wait state is timed by the broker too")
    func maxDelayAndWait() async throws {
        let def = #"""
            {"StartAt":"W","States":{
              "W":{"Type":"Wait","Seconds":1,"Next":"T"},
              "T":{"Type":"Task","Resource":"\#(fn("capped"))","End":true,
                "Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":1,"BackoffRate":4,"MaxDelaySeconds":1,"MaxAttempts":2}]}}}
            """#
        let run = try await RunningOrchestrator.start("cap", definitions: ["cap": def])
        let replied = Locked<[ContinuousClock.Instant]>([])
        let worker = try await run.worker("capped") { task, _ in
            replied.withLock { $0.append(.now) }
            let attempt = task.headers["baton-attempt"]?.intValue ?? -1
            return attempt < 2 ? .failure(error: "Again", cause: "") : .output(["ok": true])
        }
        let started = ContinuousClock.now
        try await run.startExecution("cap")
        let result = try #require(await run.result())
        #expect(result.body["status"] == "SUCCEEDED")
        let tasks = worker.received
        try #require(tasks.count == 3)
        let wait = milliseconds(started, tasks[0].at)
        #expect(wait >= 1_000 && wait < 1_800, "the Wait took \(wait) ms")
        let failedAt = replied.current
        let gap1 = milliseconds(failedAt[0], tasks[1].at), gap2 = milliseconds(failedAt[1], tasks[2].at)
        #expect(gap1 >= 1_000 && gap1 < 1_800, "first retry after \(gap1) ms")
        #expect(gap2 >= 1_000 && gap2 < 1_800, "second retry after \(gap2) ms; MaxDelaySeconds 1 caps 4 s")
        worker.stop()
        await run.stop()
    }

    @Test("a failed reply whose body is not {error, cause} still fails the task: States.TaskFailed with the body as cause")
    func failedReplyWithPlainBody() async throws {
        let def = #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(fn("plain"))","End":true}}}"#
        let run = try await RunningOrchestrator.start("plain", definitions: ["plain": def])
        let worker = try await run.worker("plain") { task, worker in
            let p = task.delivery.properties
            try await worker.connection.publish(Array("disk full".utf8), routingKey: p.replyTo ?? "",
                                                properties: AMQPProperties(headers: ["baton-status": "failed"],
                                                                           correlationID: p.correlationID))
            return .none
        }
        try await run.startExecution("plain")
        let result = try #require(await run.result())
        #expect(result.body["status"] == "FAILED")
        #expect(result.body["error"] == "States.TaskFailed")
        #expect(result.body["cause"] == "disk full")
        worker.stop()
        await run.stop()
    }

    @Test("a distributed Map honours ToleratedFailureCount: one failure of four tolerated, two fail the state")
    func toleratedFailures() async throws {
        let def = #"""
            {"StartAt":"M","States":{"M":{"Type":"Map","ToleratedFailureCount":1,"End":true,"ItemProcessor":{
              "ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"T","States":{
                "T":{"Type":"Task","Resource":"\#(fn("tol"))","End":true}}}}}}
            """#
        let run = try await RunningOrchestrator.start("tol", definitions: ["tol": def])
        let worker = try await run.worker("tol") { task, _ in
            task.json?["bad"] == true ? .failure(error: "Bad", cause: "item") : .output(task.json ?? .null)
        }
        try await run.startExecution("tol", name: "one", input: json(#"[{"bad":true},{"bad":false},{"bad":false},{"bad":false}]"#))
        let one = try #require(await run.result())
        #expect(one.body["status"] == "SUCCEEDED", "\(one.body.serialized())")
        try await run.startExecution("tol", name: "two", input: json(#"[{"bad":true},{"bad":true},{"bad":false},{"bad":false}]"#))
        let two = try #require(await run.result())
        #expect(two.body["status"] == "FAILED")
        #expect(two.body["error"] == "States.ExceedToleratedFailureThreshold")
        worker.stop()
        await run.stop()
    }

    @Test("states:startExecution.sync:2 runs a child execution whose task goes over the broker, and returns its output")
    func childExecution() async throws {
        let child = #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(fn("kid"))","End":true}}}"#
        let parent = #"""
            {"StartAt":"Run","States":{"Run":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2",
              "Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:child","Input":{"x":1}},
              "OutputPath":"$.Output","End":true}}}
            """#
        let run = try await RunningOrchestrator.start("child", definitions: ["child": child, "parent": parent])
        let worker = try await run.worker("kid") { task, _ in .output(["child saw": task.json ?? .null]) }
        try await run.startExecution("parent")
        let result = try #require(await run.result())
        #expect(result.body["status"] == "SUCCEEDED", "\(result.body.serialized())")
        #expect(result.body["output"] == json(#"{"child saw":{"x":1}}"#))
        worker.stop()
        await run.stop()
    }

    @Test("the state machine's own TimeoutSeconds ends it TIMED_OUT: result and event say so")
    func executionTimeout() async throws {
        let def = #"{"TimeoutSeconds":1,"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(fn("slowpoke"))","End":true}}}"#
        let run = try await RunningOrchestrator.start("ttl", definitions: ["ttl": def])
        let worker = try await run.worker("slowpoke") { _, _ in .none }
        let started = ContinuousClock.now
        try await run.startExecution("ttl")
        let result = try #require(await run.result())
        #expect(result.body["status"] == "TIMED_OUT")
        let elapsed = milliseconds(started, result.at)
        #expect(elapsed >= 1_000 && elapsed < 3_000, "timed out after \(elapsed) ms")
        let keys = [await run.events.next(), await run.events.next()].map { $0?.delivery.routingKey }
        #expect(keys == ["execution.RUNNING.ttl", "execution.TIMED_OUT.ttl"])
        worker.stop()
        await run.stop()
    }

    @Test("malformed messages go to <prefix>.dead unchanged with the reason headers, and the service keeps going")
    func deadLetters() async throws {
        let def = #"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#
        let run = try await RunningOrchestrator.start("dead", definitions: ["ok": def],
                                                      engine: EngineConfiguration(maxMessageBytes: 2_048))
        let mine: AMQPTable = ["mine": "kept"]
        let props = AMQPProperties(headers: mine, messageID: "m")
        let cases: [(body: String, queue: String, error: String)] = [
            ("not json", run.startQueue, "InvalidJSON"),
            ("[1,2]", run.startQueue, "InvalidMessage"),
            (#"{"input":{}}"#, run.startQueue, "InvalidMessage"),
            (#"{"stateMachine":"missing","input":{}}"#, run.startQueue, "StateMachineDoesNotExist"),
            (#"{"stateMachine":"ok","input":{"pad":"\#(String(repeating: "x", count: 4_000))"}}"#, run.startQueue, "PayloadTooLarge"),
            (#"{"action":"Dance","taskToken":"x"}"#, run.controlQueue, "InvalidMessage"),
            (#"{"action":"SendTaskSuccess","taskToken":"zzzz-1-2","output":{}}"#, run.controlQueue, "TaskDoesNotExist"),
        ]
        for c in cases {
            try await run.publishRaw(Array(c.body.utf8), to: c.queue, properties: props)
        }
        // A reply whose token nobody issued, and one without a correlation id.
        var reply = props
        reply.correlationID = "ffffffff-0-0"
        try await run.publishRaw(Array("{}".utf8), to: run.repliesQueue, properties: reply)
        try await run.publishRaw(Array("{}".utf8), to: run.repliesQueue, properties: props)
        var got: [String: (error: String, queue: String, reason: String, mine: String?)] = [:]
        for _ in 0..<(cases.count + 2) {
            guard let d = await run.dead.next() else { break }
            got[d.delivery.bodyString + "|" + (d.delivery.properties.correlationID ?? "-")] = (
                d.headers["baton-dead-error"]?.stringValue ?? "", d.headers["baton-dead-queue"]?.stringValue ?? "",
                d.headers["baton-dead-reason"]?.stringValue ?? "", d.headers["mine"]?.stringValue)
        }
        for c in cases {
            let entry = got[c.body + "|-"]
            #expect(entry?.error == c.error, "\(c.body.prefix(60)) → \(entry?.error ?? "not dead-lettered")")
            #expect(entry?.queue == c.queue)
            #expect(entry?.reason.isEmpty == false)
            #expect(entry?.mine == "kept")
        }
        #expect(got["{}|ffffffff-0-0"]?.error == "TaskDoesNotExist")
        #expect(got["{}|ffffffff-0-0"]?.queue == run.repliesQueue)
        #expect(got["{}|-"]?.error == "InvalidMessage")
        // Still serving.
        try await run.startExecution("ok", input: ["fine": true])
        let result = try #require(await run.result())
        #expect(result.body["output"] == ["fine": true])
        for q in [run.startQueue, run.controlQueue, run.repliesQueue] {
            #expect(try await run.client.inspect(queue: q).messageCount == 0, "\(q) not drained")
        }
        await run.stop()
    }
}

@Suite("The orchestrator across a broker crash", .enabled(if: OrchestratorBroker.canRunPrivateNodes),
       .timeLimit(.minutes(3)))
struct OrchestratorRestartTests {
    @Test("kill -9 and restart of the broker while an execution waits on a task; the worker answers afterwards and it completes")
    func restart() async throws {
        let node = OrchestratorBroker.node("restart")
        try await node.start()
        let def = #"""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(fn("survivor"))","Next":"After"},
              "After":{"Type":"Task","Resource":"\#(fn("survivor"))","End":true}}}
            """#
        let run = try await RunningOrchestrator.start("restart", definitions: ["crash": def], url: node.url,
                                                      ladderKind: .quorum, fastReconnect: true)
        let firstToken = Locked<String?>(nil)
        let worker = try await run.worker("survivor") { task, _ in
            // The first task (and its redelivery after the crash, if its ack was lost) is answered by the test
            // after the restart; the second at once.
            let token = task.delivery.properties.correlationID
            if firstToken.withLock({ if $0 == nil { $0 = token }; return $0 == token }) { return .none }
            return .output(["second": task.json ?? .null])
        }
        let cid = try await run.startExecution("crash", name: "c1", input: ["v": 1])
        let task = try #require(await worker.waitForTasks(1).first)
        let generation = run.serviceConnection.generation
        try await node.kill()
        try await Task.sleep(for: .milliseconds(500))
        try await node.start()
        // Both sides reconnect by themselves.
        let deadline = ContinuousClock.now + .seconds(30)
        while (run.serviceConnection.generation == generation || !run.serviceConnection.isConnected
               || !run.client.isConnected), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(run.serviceConnection.generation > generation)
        // Give the consumers a moment to resume, then answer the first task (retrying until confirmed).
        try await Task.sleep(for: .seconds(1))
        var sent = false
        for _ in 0..<50 where !sent {
            do {
                try await worker.reply(to: task, body: ["first": "after restart"])
                sent = true
            } catch {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        #expect(sent)
        let result = try #require(await run.result(timeout: .seconds(30)))
        #expect(result.correlationID == cid)
        #expect(result.body["status"] == "SUCCEEDED")
        #expect(result.body["output"] == json(#"{"second":{"first":"after restart"}}"#))
        worker.stop()
        await run.stop()
        try await node.purge()
    }
}
