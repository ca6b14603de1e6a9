/// The folders of a watched hot folder, which any number of `fnn watch` processes (on
/// one machine or several sharing it) may serve at once.
///
/// Producers put PNG files into `incoming` (best: write elsewhere, then rename in). A
/// process claims each by renaming it into a claim folder of its own in `processing`
/// (`claim-INSTANCE-<16 hex>`), appends its result to its own log
/// `results/INSTANCE.jsonl`, then moves it to `done` (or to `failed`, with
/// `NAME.reason.txt` in `failed/.reasons`). `processing/.instances` holds one lock file
/// per instance name (held by the live process of that name) and the lock that makes
/// the choice of names in `done` and `failed` one process at a time. fnn before
/// instances wrote a single `results/results.jsonl`; it is still read at recovery.
package struct WatchLayout: Sendable, Equatable {
    package var incoming: String
    package var processing: String
    package var done: String
    package var failed: String
    package var results: String

    /// The standard layout below `root`.
    package init(root: String) {
        self.init(
            incoming: root + "/incoming", processing: root + "/processing", done: root + "/done",
            failed: root + "/failed", results: root + "/results")
    }

    package init(incoming: String, processing: String, done: String, failed: String, results: String) {
        self.incoming = incoming
        self.processing = processing
        self.done = done
        self.failed = failed
        self.results = results
    }

    package var all: [String] { [incoming, processing, done, failed, results] }

    /// The lock files of the instances, and the names lock: `processing/.instances`, a
    /// dot-name, so never an input or a claim.
    package var instances: String { processing + "/.instances" }

    /// The file whose lock the live process named `instance` holds for its whole life.
    package func lockPath(instance: String) -> String { instances + "/" + instance + ".lock" }

    /// The lock held while a process chooses names for inputs or moves them out of claim
    /// folders, so that two processes never pick the same name in `done` or `failed`
    /// (instance names never start with a dot, so it is no instance's lock file).
    package var namesLock: String { instances + "/.names.lock" }

    /// The results log of `instance`: each process appends only to its own.
    package func logPath(instance: String) -> String { results + "/" + instance + ".jsonl" }

    /// The single results log of fnn before instances, read (never written) at recovery.
    package var legacyLog: String { results + "/results.jsonl" }

    /// Where the reason files of failed inputs go: `failed/.reasons`, a name space of its
    /// own (dot-names are never inputs), so a reason file can never replace an input.
    package var reasons: String { failed + "/.reasons" }

    /// Whether fnn leaves a file name alone: dot-files and the temporary names editors and
    /// copy tools use while a file is being written.
    package static func isIgnored(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasPrefix("~") || name.hasSuffix("~") || name.hasSuffix(".tmp")
            || name.hasSuffix(".part") || name.hasSuffix(".partial") || name.hasSuffix(".crdownload")
            || name.hasSuffix(".swp")
    }
}
