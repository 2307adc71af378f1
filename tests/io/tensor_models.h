// Small models of float tensors for the I/O tests: external ones naming a location, inline
// ones of a fill byte, saved as initializers (and outputs) of a one-graph model.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "onnxkit/io.h"

namespace onnxkit::testing {

inline Tensor ExternalFloats(std::string name, int64_t count, std::string location,
                             uint64_t offset = 0) {
  Tensor t;
  t.name = std::move(name);
  t.data_type = static_cast<int32_t>(DataType::kFloat);
  t.dims = {count};
  t.data_location = 1;
  t.external_data = {{"location", std::move(location), {}},
                     {"offset", std::to_string(offset), {}},
                     {"length", std::to_string(count * 4), {}}};
  return t;
}

inline Tensor InlineFloats(std::string name, int64_t count, char fill) {
  Tensor t;
  t.name = std::move(name);
  t.data_type = static_cast<int32_t>(DataType::kFloat);
  t.dims = {count};
  t.SetRawData(Bytes::Copy(std::string(static_cast<size_t>(count) * 4, fill)));
  return t;
}

inline std::unique_ptr<Model> ModelOf(std::vector<Tensor> tensors) {
  auto model = std::make_unique<Model>();
  model->ir_version = 8;
  model->opset_import.push_back({"", 17, {}});
  model->graph = std::make_unique<Graph>();
  for (Tensor& t : tensors) model->graph->AddOutput(model->graph->AddInitializer(std::move(t)));
  return model;
}

inline void SaveModel(const std::filesystem::path& file, std::vector<Tensor> tensors) {
  Status saved = SaveFile(*ModelOf(std::move(tensors)), file.string());
  ASSERT_TRUE(saved.ok()) << saved;
}

// The data of the main graph's initializer `name` ("" and a test failure if unreadable).
inline std::string DataOf(const Model& model, const std::string& name) {
  for (const Value* v : model.graph->initializers()) {
    if (v->name() != name) continue;
    auto data = v->initializer()->Data();
    EXPECT_TRUE(data.ok()) << data.status();
    return data.ok() ? std::string(data->view()) : "";
  }
  ADD_FAILURE() << "no initializer " << name;
  return "";
}

// The names in `dir`, sorted.
inline std::vector<std::string> FilesIn(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.push_back(e.path().filename());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace onnxkit::testing
