/// The true labels of a run's images, where they are known: from a labels CSV, or from
/// the names of the folders the images sit in.
///
/// Folder names count for the accuracy report only when every image sits in a folder
/// named after one of the model's labels (`digits/3/a.png`); a single image in such a
/// folder still gets its label for the contact sheet.
package struct TrueLabels: Sendable {
    /// The model's labels, by class index.
    package let names: [String]
    private let file: LabelSource?
    private let nameSet: Set<String>
    /// Whether the labels are complete enough for an accuracy report.
    package let reportsAccuracy: Bool

    /// - Parameters:
    ///   - file: labels read from `--labels`, if given; they take precedence.
    ///   - names: the model's labels, by class index.
    ///   - paths: the paths of every image the run covers.
    package init(file: LabelSource?, names: [String], paths: some Sequence<String>) {
        self.names = names
        self.file = file
        self.nameSet = Set(names)
        if file != nil {
            reportsAccuracy = true
        } else {
            let set = nameSet
            reportsAccuracy = paths.allSatisfy { LabelSource.folders.label(of: $0).map(set.contains) ?? false }
        }
    }

    /// The true label of the image at `path`, if known.
    package func label(of path: String) -> String? {
        if let file { return file.label(of: path) }
        return LabelSource.folders.label(of: path).flatMap { nameSet.contains($0) ? $0 : nil }
    }

    /// The class index of the true label of `path`, when the report counts it.
    package func classIndex(of path: String) -> Int? {
        guard reportsAccuracy, let label = label(of: path) else { return nil }
        return names.firstIndex(of: label)
    }
}
