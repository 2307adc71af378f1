// What an IR element keeps of its message so that saving it gives back the same fields.
//
// ONNX files are proto2: a field that was written with its default value is still "present"
// and survives a parse/serialize round trip. Fields that onnxkit does not model (newer ONNX
// fields, vendor extensions) are kept as their raw wire bytes and written back after the
// known fields, exactly where protobuf itself puts unknown fields.
#pragma once

#include <cstdint>
#include <string>

namespace onnxkit {

struct Preserved {
  // Bit n is set when field number n (< 64) was present in the file.
  uint64_t present = 0;
  // Raw wire bytes (tags included) of the fields that onnxkit does not model, in file order.
  std::string unknown_fields;

  bool Has(int field) const { return field < 64 && ((present >> field) & 1U) != 0; }
  void Mark(int field) {
    if (field < 64) present |= uint64_t{1} << field;
  }
  bool operator==(const Preserved&) const = default;
};

}  // namespace onnxkit
