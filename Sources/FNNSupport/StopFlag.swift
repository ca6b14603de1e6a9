import Synchronization

/// A flag one thread raises (a signal handler, say) and another polls (a training loop).
public final class StopFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    public init() {}

    /// Raises the flag; returns whether it was already raised.
    @discardableResult
    public func raise() -> Bool {
        raised.exchange(true, ordering: .sequentiallyConsistent)
    }

    public var isRaised: Bool {
        raised.load(ordering: .sequentiallyConsistent)
    }
}
