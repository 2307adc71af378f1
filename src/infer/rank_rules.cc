// Input ranks the ops' specs require, where libonnx's inference functions index those dims
// without checking the rank first. One row per (op, input): the rank range, or "the rank of
// another input" (a convolution's weights have the rank of its data).
#include <fmt/format.h>

#include <array>
#include <string_view>

#include "infer/precondition_rules.h"

namespace onnxkit::infer {
namespace {

constexpr int kAny = -1;

struct RankRule {
  std::string_view op;
  size_t input;
  int min_rank;
  int max_rank;        // kAny: no upper bound
  int same_as = kAny;  // an input whose rank this one must equal
};

// From the operators' documentation (docs/Operators.md of ONNX).
constexpr std::array kRankRules{
    // Convolutions: X is (N x C x D1 x ... x Dn), W is (M x C/group x k1 x ... x kn).
    RankRule{"Conv", 0, 3, kAny},
    RankRule{"Conv", 1, 0, kAny, 0},
    RankRule{"ConvInteger", 0, 3, kAny},
    RankRule{"ConvInteger", 1, 0, kAny, 0},
    RankRule{"QLinearConv", 0, 3, kAny},
    RankRule{"QLinearConv", 3, 0, kAny, 0},
    RankRule{"ConvTranspose", 0, 3, kAny},
    RankRule{"ConvTranspose", 1, 0, kAny, 0},
    RankRule{"DeformConv", 0, 3, kAny},
    RankRule{"DeformConv", 1, 0, kAny, 0},
    // Pools: X is (N x C x D1 x ... x Dn).
    RankRule{"MaxPool", 0, 3, kAny},
    RankRule{"AveragePool", 0, 3, kAny},
    RankRule{"LpPool", 0, 3, kAny},
    RankRule{"MaxUnpool", 0, 3, kAny},
    RankRule{"MaxUnpool", 1, 0, kAny, 0},  // I has X's shape
    RankRule{"MaxUnpool", 2, 1, 1},        // output_shape
    RankRule{"GlobalMaxPool", 0, 2, kAny},
    RankRule{"GlobalAveragePool", 0, 2, kAny},
    RankRule{"GlobalLpPool", 0, 2, kAny},
    RankRule{"MaxRoiPool", 0, 4, 4},
    RankRule{"MaxRoiPool", 1, 2, 2},
    RankRule{"RoiAlign", 0, 4, 4},
    RankRule{"RoiAlign", 1, 2, 2},
    RankRule{"RoiAlign", 2, 1, 1},
    // Recurrent layers: X [seq, batch, input], W/R [dirs, k*hidden, *], B [dirs, 2k*hidden],
    // sequence_lens [batch], initial_h/initial_c [dirs, batch, hidden], P [dirs, 3*hidden].
    RankRule{"RNN", 0, 3, 3},
    RankRule{"RNN", 1, 3, 3},
    RankRule{"RNN", 2, 3, 3},
    RankRule{"RNN", 3, 2, 2},
    RankRule{"RNN", 4, 1, 1},
    RankRule{"RNN", 5, 3, 3},
    RankRule{"GRU", 0, 3, 3},
    RankRule{"GRU", 1, 3, 3},
    RankRule{"GRU", 2, 3, 3},
    RankRule{"GRU", 3, 2, 2},
    RankRule{"GRU", 4, 1, 1},
    RankRule{"GRU", 5, 3, 3},
    RankRule{"LSTM", 0, 3, 3},
    RankRule{"LSTM", 1, 3, 3},
    RankRule{"LSTM", 2, 3, 3},
    RankRule{"LSTM", 3, 2, 2},
    RankRule{"LSTM", 4, 1, 1},
    RankRule{"LSTM", 5, 3, 3},
    RankRule{"LSTM", 6, 3, 3},
    RankRule{"LSTM", 7, 2, 2},
    // Gemm: A and B are matrices; C broadcasts to (M, N).
    RankRule{"Gemm", 0, 2, 2},
    RankRule{"Gemm", 1, 2, 2},
    RankRule{"Gemm", 2, 0, 2},
    // STFT: signal [batch, length, 1 or 2], frame_step and frame_length scalars, window 1-D.
    RankRule{"STFT", 0, 3, 3},
    RankRule{"STFT", 1, 0, 0},
    RankRule{"STFT", 2, 1, 1},
    RankRule{"STFT", 3, 0, 0},
    // Space/depth rearrangements: (N x C x H x W).
    RankRule{"DepthToSpace", 0, 4, 4},
    RankRule{"SpaceToDepth", 0, 4, 4},
    // Normalizations over "the rest of the axes" need one; instance norm needs N x C x D.
    RankRule{"LayerNormalization", 0, 1, kAny},
    RankRule{"InstanceNormalization", 0, 3, kAny},
    RankRule{"BatchNormalization", 0, 1, kAny},
    // Gathers and scatters by index tuples: data and indices have at least one axis.
    RankRule{"GatherND", 0, 1, kAny},
    RankRule{"GatherND", 1, 1, kAny},
    RankRule{"ScatterND", 0, 1, kAny},
    RankRule{"ScatterND", 1, 1, kAny},
    // Trilu works on the last two axes; ReverseSequence on [batch, time] or [time, batch].
    RankRule{"Trilu", 0, 2, kAny},
    RankRule{"ReverseSequence", 0, 2, kAny},
    RankRule{"ReverseSequence", 1, 1, 1},
};

std::string RankRange(const RankRule& r) {
  if (r.min_rank == r.max_rank) return fmt::format("rank {}", r.min_rank);
  if (r.max_rank == kAny) return fmt::format("rank {} or more", r.min_rank);
  return fmt::format("rank {} to {}", r.min_rank, r.max_rank);
}

}  // namespace

void CheckInputRanks(const NodeFacts& node, Violations& out) {
  for (const RankRule& r : kRankRules) {
    if (r.op != node.op_type()) continue;
    std::optional<int> rank = node.Rank(r.input);
    if (!rank) continue;
    if (r.same_as != kAny) {
      std::optional<int> other = node.Rank(static_cast<size_t>(r.same_as));
      if (other && *other != *rank) {
        out.push_back(
            {Violation::Kind::kInputRank, InputSlot(node, r.input),
             fmt::format("{} has rank {} but {} has rank {}: {} needs them equal",
                         node.InputName(r.input), *rank,
                         node.InputName(static_cast<size_t>(r.same_as)), *other, node.op_type())});
      }
      continue;
    }
    if (*rank < r.min_rank || (r.max_rank != kAny && *rank > r.max_rank)) {
      out.push_back({Violation::Kind::kInputRank, InputSlot(node, r.input),
                     fmt::format("{} takes {} of {} but it has rank {}", node.op_type(),
                                 node.InputName(r.input), RankRange(r), *rank)});
    }
  }
}

}  // namespace onnxkit::infer
