// The REST API described as OpenAPI 3.0 (GET /api/v1/openapi.json): every path, its methods, parameters, bodies
// and answers, and the bearer token that requests from other computers need.
#pragma once

#include <QJsonObject>

namespace mtm::core {

QJsonObject openApiDocument();

} // namespace mtm::core
