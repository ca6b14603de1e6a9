import Foundation
import Testing

/// Reads ArgumentParser's `--experimental-dump-help` JSON (ToolInfoV0).
enum HelpCheck {
    /// The displayed arguments of the command and all its subcommands, and those of them
    /// whose abstract is missing or blank, as `fnn train --seed` or `fnn convert <input>`.
    static func unexplained(dumpHelp: Data) throws -> (arguments: Int, unexplained: [String]) {
        let root = try #require(try JSONSerialization.jsonObject(with: dumpHelp) as? [String: Any])
        let command = try #require(root["command"] as? [String: Any], "no \"command\" in the JSON")
        var count = 0
        var unexplained: [String] = []
        func visit(_ command: [String: Any], path: [String]) {
            let path = path + [command["commandName"] as? String ?? "?"]
            for argument in command["arguments"] as? [[String: Any]] ?? [] {
                guard argument["shouldDisplay"] as? Bool ?? true else { continue }
                count += 1
                let abstract = (argument["abstract"] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                if abstract.isEmpty { unexplained.append((path + [name(of: argument)]).joined(separator: " ")) }
            }
            // ArgumentParser adds a `help` subcommand to every command; its `<subcommands>`
            // argument has no abstract, and it is not fnn's to give one.
            for subcommand in command["subcommands"] as? [[String: Any]] ?? [] where subcommand["commandName"] as? String != "help" {
                visit(subcommand, path: path)
            }
        }
        visit(command, path: [])
        return (count, unexplained)
    }

    /// `--seed`, `-o`, or `<input>` for a positional argument.
    private static func name(of argument: [String: Any]) -> String {
        let names = argument["names"] as? [[String: Any]] ?? []
        let preferred = argument["preferredName"] as? [String: Any] ?? names.first
        if argument["kind"] as? String != "positional", let preferred, let name = preferred["name"] as? String {
            return (preferred["kind"] as? String == "short" ? "-" : "--") + name
        }
        return "<\(argument["valueName"] as? String ?? "?")>"
    }

    /// The first line where `actual` and `expected` differ, for a readable failure.
    static func firstDifference(_ actual: String, _ expected: String) -> String {
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(a.count, e.count) {
            let left = index < a.count ? String(a[index]) : "(end)"
            let right = index < e.count ? String(e[index]) : "(end)"
            if left != right { return "line \(index + 1):\n  printed: \(left)\n  pinned:  \(right)" }
        }
        return "(they differ only in line endings)"
    }
}
