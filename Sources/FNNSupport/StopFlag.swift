import Synchronization

/// A flag one thread raises (a signal handler, say) and another polls (a training loop).
package final class StopFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    package init() {}

    /// Raises the flag; returns whether it was already raised.
    @discardableResult
    package func raise() -> Bool {
        raised.exchange(true, ordering: .sequentiallyConsistent)
    }

    package var isRaised: Bool {
        raised.load(ordering: .sequentiallyConsistent)
    }
}
