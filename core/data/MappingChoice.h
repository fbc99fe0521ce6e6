// The record type and field mapping a person names in words — a schema id and PART=FIELD pairs, as `mtm datasets
// import --schema chat --map messages=turns` and the REST API take them — checked and turned into a FieldMapping.
#pragma once

#include "data/RecordSchema.h"

#include <QCoreApplication>
#include <QString>
#include <QStringList>

namespace mtm::core {

struct MappingChoice
{
    Q_DECLARE_TR_FUNCTIONS(MappingChoice)

public:
    // Throws Error (InvalidInput) saying what is wrong: an unknown schema or part, or a pair that is not
    // PART=FIELD. The parts the schema needs and that have no field yet: FieldMapping::missingRoles().
    static FieldMapping parse(const QString &schema, const QStringList &pairs);
};

} // namespace mtm::core
