import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thrown internally when the current thread's stack is nearly used up.
struct StackExhausted: Error {}

/// Keeps recursion within the thread's stack: evaluation runs inline when there is room,
/// and is retried on a thread with a 512 MiB stack otherwise.
enum StackGuard {
    static let limitKey: pthread_key_t = makeKey()
    static let lowKey: pthread_key_t = makeKey()

    static func makeKey() -> pthread_key_t {
        var k = pthread_key_t()
        pthread_key_create(&k, nil)
        return k
    }

    @inline(__always) static func sp() -> UInt {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
    }

    /// Throws `StackExhausted` when the stack pointer is below the active limit.
    @inline(__always) static func check() throws {
        let lim = UInt(bitPattern: pthread_getspecific(limitKey))
        if lim != 0 && sp() < lim { throw StackExhausted() }
    }

    /// True when less than 1 MiB of stack remains (deep teardown then switches to a worklist).
    @inline(__always) static func isLow() -> Bool {
        guard let low = lowBound() else { return true }
        return sp() < low + (1 << 20)
    }

    static func currentLimit() -> UInt { UInt(bitPattern: pthread_getspecific(limitKey)) }

    static func setLimit(_ l: UInt) {
        pthread_setspecific(limitKey, UnsafeRawPointer(bitPattern: l))
    }

    /// The lowest usable stack address of the current thread (cached per thread).
    static func lowBound() -> UInt? {
        let cached = UInt(bitPattern: pthread_getspecific(lowKey))
        if cached != 0 { return cached }
        var low: UInt = 0
        #if os(Linux)
        typealias GetAttr = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_getattr_np") else { return nil }
        let getattr = unsafeBitCast(sym, to: GetAttr.self)
        var attr = pthread_attr_t()
        guard getattr(pthread_self(), &attr) == 0 else { return nil }
        defer { pthread_attr_destroy(&attr) }
        var addr: UnsafeMutableRawPointer?
        var size = 0
        guard pthread_attr_getstack(&attr, &addr, &size) == 0, let a = addr else { return nil }
        low = UInt(bitPattern: a)
        #elseif canImport(Darwin)
        let top = UInt(bitPattern: pthread_get_stackaddr_np(pthread_self()))
        low = top - UInt(pthread_get_stacksize_np(pthread_self()))
        #else
        return nil
        #endif
        pthread_setspecific(lowKey, UnsafeRawPointer(bitPattern: low))
        return low
    }

    static let inlineMargin: UInt = 256 << 10
    static let bigStackSize = 512 << 20

    final class Box<T>: @unchecked Sendable { var value: T? }

    /// Runs `body` with stack checking: inline if the thread has room, else (or after `StackExhausted`)
    /// on a fresh thread with a large stack. `body` may run twice, so it should be free of side effects.
    static func run<T>(_ body: @escaping () throws -> T) throws(JSONataError) -> T {
        if let low = lowBound(), sp() > low + inlineMargin + (128 << 10) {
            let prev = currentLimit()
            let lim = Swift.max(low + inlineMargin, prev)
            setLimit(lim)
            defer { setLimit(prev) }
            do {
                return try body()
            } catch let e as JSONataError {
                throw e
            } catch is StackExhausted {
                // fall through to the large stack
            } catch {
                throw JSONataError(code: "U0000", message: "\(error)")
            }
        }
        let box = Box<Result<T, JSONataError>>()
        let done = DispatchSemaphore(value: 0)
        let work = UnsafeSendable(body)
        let thread = Thread {
            let top = sp()
            setLimit(top - UInt(bigStackSize) + (2 << 20))
            do {
                box.value = .success(try work.value())
            } catch let e as JSONataError {
                box.value = .failure(e)
            } catch is StackExhausted {
                box.value = .failure(JSONataError(code: "U1001", message: "Stack overflow error: the expression or data is nested too deeply"))
            } catch {
                box.value = .failure(JSONataError(code: "U0000", message: "\(error)"))
            }
            done.signal()
        }
        thread.stackSize = bigStackSize
        thread.start()
        done.wait()
        switch box.value {
        case .success(let v)?: return v
        case .failure(let e)?: throw e
        case nil: throw JSONataError(code: "U0000", message: "evaluation thread did not finish")
        }
    }
}

struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ v: T) { value = v }
}
