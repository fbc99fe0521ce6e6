#include "engine/evaluate/HeldOutLoss.h"

#include "engine/EngineError.h"
#include "engine/chat/ChatTemplate.h"
#include "engine/model/Transformer.h"
#include "engine/tokenizer/TokenizerLoader.h"
#include "engine/train/TrainingPass.h"
#include "engine/train/TrainingSetup.h"

#include <torch/torch.h>

#include <algorithm>

namespace mtm::engine {

HeldOutExamples heldOutExamples(const TrainingConfig &config)
{
    const auto tokenizer = loadTokenizer(config.baseModel);
    const ChatTemplate chat = ChatTemplate::forTokenizer(*tokenizer, config.chatFormat);
    HeldOutExamples heldOut;
    heldOut.examples = buildTrainingData(config, *tokenizer, chat).eval;
    heldOut.padId = paddingId(*tokenizer);
    return heldOut;
}

double heldOutLoss(Transformer &model, const HeldOutExamples &heldOut, std::int64_t batchSize,
                   const EngineProgress &progress)
{
    if (heldOut.examples.empty())
        throw EngineError("There are no held-out examples to score");
    torch::NoGradGuard noGrad;
    model.eval();
    std::vector<std::size_t> order(heldOut.examples.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    const std::int64_t size = std::max<std::int64_t>(1, batchSize);
    const auto batches = std::int64_t((order.size() + std::size_t(size) - 1) / std::size_t(size));
    double sum = 0;
    std::int64_t targets = 0;
    for (std::int64_t b = 0; b < batches; ++b) {
        const Batch batch = padBatch(batchExamples(heldOut.examples, order, b, size), heldOut.padId);
        sum += evaluateBatch(model, batch, PassOptions());
        targets += batch.targetCount;
        if (progress && !progress(b + 1, batches))
            throw EngineError("Scoring the held-out examples was cancelled", EngineError::Kind::Cancelled);
    }
    return sum / double(std::max<std::int64_t>(1, targets));
}

} // namespace mtm::engine
