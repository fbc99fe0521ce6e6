// The model shapes the benchmarks measure: the starter model's and a ~100M-parameter Llama.
#pragma once

#include "engine/model/ModelConfig.h"

namespace mtm::bench {

inline engine::ModelConfig starterShape()
{
    engine::ModelConfig c;
    c.vocabSize = 2048;
    c.hiddenSize = 256;
    c.intermediateSize = 688;
    c.layers = 4;
    c.heads = 4;
    c.kvHeads = 2;
    c.headDim = 64;
    c.maxPositions = 1024;
    c.tieWordEmbeddings = true;
    return c;
}

inline engine::ModelConfig llama100m()
{
    engine::ModelConfig c;
    c.vocabSize = 32000;
    c.hiddenSize = 768;
    c.intermediateSize = 2048;
    c.layers = 12;
    c.heads = 12;
    c.kvHeads = 4;
    c.headDim = 64;
    c.maxPositions = 2048;
    c.tieWordEmbeddings = true;
    return c;
}

} // namespace mtm::bench
