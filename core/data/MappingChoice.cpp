#include "data/MappingChoice.h"

#include "Error.h"

namespace mtm::core {

FieldMapping MappingChoice::parse(const QString &schema, const QStringList &pairs)
{
    const auto chosen = schemaFromId(schema.toStdString());
    if (!chosen)
        throw Error(Error::Kind::InvalidInput,
                    tr("unknown schema '%1'; use alpaca, prompt_completion, chat, text or documents.").arg(schema));
    FieldMapping mapping{*chosen, {}};
    for (const QString &pair : pairs) {
        const int equals = int(pair.indexOf(QLatin1Char('=')));
        const auto role = equals > 0 ? roleFromId(pair.left(equals).trimmed().toStdString()) : std::nullopt;
        if (!role)
            throw Error(Error::Kind::InvalidInput, tr("%1 is not PART=FIELD with a known part.").arg(pair));
        mapping.fields[*role] = pair.mid(equals + 1).trimmed().toStdString();
    }
    return mapping;
}

} // namespace mtm::core
