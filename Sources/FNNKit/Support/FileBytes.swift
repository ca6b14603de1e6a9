import Foundation

/// A file that could not be read or written.
public struct FileAccessError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// Whole-file reads with a size limit checked before reading.
public enum FileBytes {
    /// Reads a regular file, refusing folders and files over `limit` bytes.
    public static func read(_ path: String, limit: Int) throws(FileAccessError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FileAccessError(path: path, message: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw FileAccessError(path: path, message: "is a folder, not a file")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= limit else {
            throw FileAccessError(path: path, message: "is \(size) bytes, over the limit of \(limit)")
        }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard data.count <= limit else {
                throw FileAccessError(path: path, message: "is over the limit of \(limit) bytes")
            }
            return [UInt8](data)
        } catch let error as FileAccessError {
            throw error
        } catch {
            throw FileAccessError(path: path, message: "cannot be read (\(error.localizedDescription))")
        }
    }
}
