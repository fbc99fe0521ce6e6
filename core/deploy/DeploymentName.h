// The name a job's model goes by where it is deployed (an Ollama model, an LM Studio folder): from the job's name,
// lower case, with only letters, digits, '.', '_' and '-': "Support bot v2" → "support-bot-v2".
#pragma once

#include <QString>

namespace mtm::core {

struct JobInfo;

QString deploymentName(const JobInfo &job); // "job-<id>" when the job's name leaves nothing

} // namespace mtm::core
