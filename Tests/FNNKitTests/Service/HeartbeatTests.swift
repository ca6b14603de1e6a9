import FNNKit
import Foundation
import Testing

@Suite struct HeartbeatTests {
    @Test func aSilentLoopCountsAsStuckUntilItBeatsAgain() throws {
        let heartbeat = Heartbeat(limit: .milliseconds(50))
        #expect(heartbeat.problem == nil)
        usleep(120_000)
        let problem = try #require(heartbeat.problem)
        #expect(problem.contains("has not turned"))
        heartbeat.beat()
        #expect(heartbeat.problem == nil)
    }
}
