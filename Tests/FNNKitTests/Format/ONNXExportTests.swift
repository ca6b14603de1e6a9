@testable import FNNFormat
import FNNKit
import FNNTestSupport
import Testing

/// The protobuf encoding and the shape of the ONNX export. (The full check, with the
/// `onnx` package's checker and onnxruntime on the MNIST test set, is
/// `formats/tools/check_onnx.py`, which `.ci/run` runs.)
@Suite struct ONNXExportTests {
    @Test(arguments: [
        (UInt64(0), [UInt8(0x00)]), (1, [0x01]), (127, [0x7F]), (128, [0x80, 0x01]), (300, [0xAC, 0x02]),
        (UInt64.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
    ] as [(UInt64, [UInt8])])
    func varintsFollowTheWireFormat(value: UInt64, bytes: [UInt8]) {
        var writer = ProtobufWriter()
        writer.varint(value)
        #expect(writer.bytes == bytes)
    }

    @Test func fieldsAndNestedMessages() {
        var writer = ProtobufWriter()
        writer.int(1, 150)
        writer.string(2, "testing")
        writer.int(3, -1)
        writer.message(4) { $0.int(1, 2) }
        writer.float(5, 1.0)
        writer.packedInts(6, [3, 270])
        #expect(writer.bytes == [
            0x08, 0x96, 0x01,  // field 1 varint 150 (the protobuf documentation's example)
            0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6E, 0x67,  // field 2 "testing"
            0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,  // field 3 int64 −1
            0x22, 0x02, 0x08, 0x02,  // field 4 { field 1: 2 }
            0x2D, 0x00, 0x00, 0x80, 0x3F,  // field 5 float 1.0
            0x32, 0x03, 0x03, 0x8E, 0x02,  // field 6 packed [3, 270]
        ])
    }

    @Test func theModelStartsWithItsVersionsAndHoldsEveryTensor() throws {
        let model = try BundledModel.load()
        let bytes = try ONNXExport.encode(model)
        #expect(Array(bytes.prefix(2)) == [0x08, 0x08])  // ir_version 8
        let text = String(decoding: bytes, as: UTF8.self)
        for name in ["Gemm", "Relu", "Softmax", "W1", "b1", "W2", "b2", "input", "probabilities", "labels", "hyperparameters.learning_rate"] {
            #expect(text.contains(name), "missing \(name)")
        }
        // float32 weights: 4 bytes per parameter, plus the graph.
        #expect(bytes.count > model.parameterCount * 4)
        #expect(bytes.count < model.parameterCount * 4 + 10_000)
        // Deterministic.
        #expect(try ONNXExport.encode(model) == bytes)
    }
}
