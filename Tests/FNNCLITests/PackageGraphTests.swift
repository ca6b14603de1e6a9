import FNNTestSupport
import Foundation
import Testing

/// The README's drawing of the library's targets is the package graph: each line
/// `A ─► B C …` lists exactly the fnn targets that `Package.swift` lets A import.
@Suite struct PackageGraphTests {
    /// Target name → the fnn targets (FNN…) it depends on, read from `Package.swift`.
    static func packageGraph() throws -> [String: Set<String>] {
        let text = try String(contentsOfFile: Fixtures.root + "/Package.swift", encoding: .utf8)
        var graph: [String: Set<String>] = [:]
        let target = try Regex(#"\.target\(\s*name:\s*"(FNN\w+)"\s*,\s*dependencies:\s*\["#)
        for match in text.matches(of: target) {
            guard let name = match.output[1].substring.map(String.init) else { continue }
            // The dependency list runs to the bracket that closes it.
            var depth = 1
            var index = match.range.upperBound
            while index < text.endIndex, depth > 0 {
                if text[index] == "[" { depth += 1 }
                if text[index] == "]" { depth -= 1 }
                index = text.index(after: index)
            }
            let list = text[match.range.upperBound..<index]
            let names = list.matches(of: try Regex(#""(FNN\w+)""#)).compactMap { $0.output[1].substring.map(String.init) }
            graph[name] = Set(names)
        }
        return graph
    }

    /// The same, from the README's drawing.
    static func readmeGraph() throws -> [String: Set<String>] {
        let text = try String(contentsOfFile: Fixtures.root + "/README.md", encoding: .utf8)
        var graph: [String: Set<String>] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("FNN") && line.contains("─►") {
            let parts = line.components(separatedBy: "─►")
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            let targets = parts[1].split(whereSeparator: { $0 == " " || $0 == "," })
                .map(String.init).filter { $0.hasPrefix("FNN") }
            graph[name] = Set(targets)
        }
        return graph
    }

    @Test func theReadmeDrawsThePackageGraph() throws {
        var package = try Self.packageGraph()
        package["FNNTestSupport"] = nil
        var readme = try Self.readmeGraph()
        // The umbrella depends on everything; the README says so in words.
        #expect(package["FNNKit"] == Set(package.keys).subtracting(["FNNKit"]))
        readme["FNNKit"] = package["FNNKit"]
        #expect(package.count == 13)
        #expect(readme == package)
    }

    @Test func theGraphHasNoCycle() throws {
        let graph = try Self.packageGraph()
        var state: [String: Int] = [:]
        func visit(_ node: String) -> Bool {
            if state[node] == 1 { return false }
            if state[node] == 2 { return true }
            state[node] = 1
            for next in graph[node] ?? [] where !visit(next) { return false }
            state[node] = 2
            return true
        }
        #expect(graph.keys.allSatisfy(visit))
    }

    /// `internal` by default, `package` across fnn's own targets, `public` only for the
    /// library API the README lists: the count of `public` declarations stays small.
    @Test func thePublicSurfaceStaysSmall() throws {
        let sources = Fixtures.root + "/Sources"
        var count = 0
        let enumerator = FileManager.default.enumerator(atPath: sources)
        while let relative = enumerator?.nextObject() as? String {
            guard relative.hasPrefix("FNN"), relative.hasSuffix(".swift") else { continue }
            let text = try String(contentsOfFile: sources + "/" + relative, encoding: .utf8)
            count += text.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("public ") }.count
        }
        #expect(count > 0 && count <= 300, "\(count) public declarations")
    }
}
