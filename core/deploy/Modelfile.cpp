#include "deploy/Modelfile.h"

#include "Error.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>

#include <map>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(Modelfile)
};

enum class ParameterType { Integer, Number, Boolean, Text };

// The parameters Ollama's options take, with their types.
const std::map<QString, ParameterType> &knownParameters()
{
    static const std::map<QString, ParameterType> parameters = {
        {QStringLiteral("num_ctx"), ParameterType::Integer},
        {QStringLiteral("num_batch"), ParameterType::Integer},
        {QStringLiteral("num_gpu"), ParameterType::Integer},
        {QStringLiteral("main_gpu"), ParameterType::Integer},
        {QStringLiteral("num_thread"), ParameterType::Integer},
        {QStringLiteral("num_keep"), ParameterType::Integer},
        {QStringLiteral("num_predict"), ParameterType::Integer},
        {QStringLiteral("seed"), ParameterType::Integer},
        {QStringLiteral("top_k"), ParameterType::Integer},
        {QStringLiteral("repeat_last_n"), ParameterType::Integer},
        {QStringLiteral("top_p"), ParameterType::Number},
        {QStringLiteral("min_p"), ParameterType::Number},
        {QStringLiteral("typical_p"), ParameterType::Number},
        {QStringLiteral("temperature"), ParameterType::Number},
        {QStringLiteral("repeat_penalty"), ParameterType::Number},
        {QStringLiteral("presence_penalty"), ParameterType::Number},
        {QStringLiteral("frequency_penalty"), ParameterType::Number},
        {QStringLiteral("use_mmap"), ParameterType::Boolean},
        {QStringLiteral("stop"), ParameterType::Text},
    };
    return parameters;
}

[[noreturn]] void refuse(int line, const QString &what)
{
    throw modelfileError(line, what);
}

// Reads the Modelfile's characters one instruction at a time, counting lines.
class Reader
{
public:
    explicit Reader(QString text)
        : m_text(std::move(text))
    {
        m_text.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
        if (m_text.startsWith(QChar(0xFEFF)))
            m_text.remove(0, 1);
    }

    int line() const { return m_line; }
    bool atEnd() const { return m_at >= m_text.size(); }

    // Past blank space, empty lines and comments; false at the end.
    bool skipToInstruction()
    {
        while (!atEnd()) {
            const QChar c = m_text.at(m_at);
            if (c == QLatin1Char('#')) {
                while (!atEnd() && m_text.at(m_at) != QLatin1Char('\n'))
                    ++m_at;
            } else if (c == QLatin1Char('\n')) {
                ++m_line;
                ++m_at;
            } else if (c == QLatin1Char(' ') || c == QLatin1Char('\t')) {
                ++m_at;
            } else {
                return true;
            }
        }
        return false;
    }

    // After blank space, a word of the characters accepted, which must end in a space or tab; what it names, for the
    // message.
    QString word(bool digitsAndUnderscores, const QString &what)
    {
        while (!atEnd() && (m_text.at(m_at) == QLatin1Char(' ') || m_text.at(m_at) == QLatin1Char('\t')))
            ++m_at;
        const int start = m_at;
        while (!atEnd()) {
            const QChar c = m_text.at(m_at);
            const bool letter =
                (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'));
            const bool extra = c.isDigit() || c == QLatin1Char('_');
            if (!letter && !(digitsAndUnderscores && extra))
                break;
            ++m_at;
        }
        const QString word = m_text.mid(start, m_at - start);
        if (word.isEmpty() || atEnd() || (m_text.at(m_at) != QLatin1Char(' ') && m_text.at(m_at) != QLatin1Char('\t')))
            refuse(m_line, Text::tr("%1 must be a word followed by a space and its value; found \"%2\".")
                               .arg(what, m_text.mid(start, m_at - start + 1).trimmed()));
        return word;
    }

    // The value up to the end of its line — or, quoted, up to the line where its quote closes: "…" or """…""".
    QString value(const QString &instruction)
    {
        const int startLine = m_line;
        const int start = m_at;
        while (true) {
            const int end = int(m_text.indexOf(QLatin1Char('\n'), m_at));
            m_at = end < 0 ? int(m_text.size()) : end;
            const QString written = m_text.mid(start, m_at - start).trimmed();
            if (const std::optional<QString> value = unquoted(written)) {
                if (value->isEmpty() && !written.startsWith(QLatin1Char('"')))
                    refuse(startLine, Text::tr("%1 has no value.").arg(instruction));
                return *value;
            }
            if (atEnd())
                refuse(startLine,
                       Text::tr("the quotation marks that open %1's value are never closed.").arg(instruction));
            ++m_line;
            ++m_at;
        }
    }

private:
    static std::optional<QString> unquoted(const QString &written)
    {
        const QString triple = QStringLiteral("\"\"\"");
        if (written.startsWith(triple)) {
            if (written.size() >= 6 && written.endsWith(triple))
                return written.mid(3, written.size() - 6);
            return std::nullopt;
        }
        if (written.startsWith(QLatin1Char('"'))) {
            if (written.size() >= 2 && written.endsWith(QLatin1Char('"')))
                return written.mid(1, written.size() - 2);
            return std::nullopt;
        }
        return written;
    }

    QString m_text;
    int m_at = 0;
    int m_line = 1;
};

QJsonValue typedParameter(const QString &name, const QString &value, int line)
{
    const auto known = knownParameters().find(name);
    if (known == knownParameters().end()) {
        QStringList names;
        for (const auto &[parameter, type] : knownParameters())
            names << parameter;
        refuse(line,
               Text::tr("Ollama has no parameter \"%1\" (it has %2).").arg(name, names.join(QStringLiteral(", "))));
    }
    bool ok = true;
    QJsonValue typed;
    switch (known->second) {
    case ParameterType::Integer:
        typed = value.toLongLong(&ok);
        break;
    case ParameterType::Number:
        typed = value.toDouble(&ok);
        break;
    case ParameterType::Boolean:
        ok = value == QStringLiteral("true") || value == QStringLiteral("false");
        typed = value == QStringLiteral("true");
        break;
    case ParameterType::Text:
        typed = value;
        break;
    }
    if (!ok) {
        const QString kind = known->second == ParameterType::Integer  ? Text::tr("a whole number")
                             : known->second == ParameterType::Number ? Text::tr("a number")
                                                                      : Text::tr("true or false");
        refuse(line, Text::tr("PARAMETER %1 takes %2, not \"%3\".").arg(name, kind, value));
    }
    return typed;
}

} // namespace

Error modelfileError(int line, const QString &what)
{
    return Error(Error::Kind::InvalidInput, Text::tr("Modelfile, line %1: %2").arg(line).arg(what));
}

ParsedModelfile parseModelfile(const QString &text)
{
    Reader reader(text);
    ParsedModelfile parsed;
    QJsonObject parameters;
    QJsonArray stops, licenses, messages;
    while (reader.skipToInstruction()) {
        const int line = reader.line();
        const QString instruction = reader.word(false, Text::tr("An instruction")).toUpper();
        if (instruction == QStringLiteral("PARAMETER")) {
            const QString name = reader.word(true, Text::tr("A parameter's name"));
            const QString value = reader.value(QStringLiteral("PARAMETER ") + name);
            if (name == QStringLiteral("stop"))
                stops.append(value);
            else
                parameters.insert(name, typedParameter(name, value, line));
        } else if (instruction == QStringLiteral("MESSAGE")) {
            const QString role = reader.word(false, Text::tr("A message's role"));
            if (role != QStringLiteral("system") && role != QStringLiteral("user") &&
                role != QStringLiteral("assistant"))
                refuse(line, Text::tr("a MESSAGE's role is system, user or assistant, not \"%1\".").arg(role));
            messages.append(QJsonObject{{QStringLiteral("role"), role},
                                        {QStringLiteral("content"), reader.value(QStringLiteral("MESSAGE"))}});
        } else if (instruction == QStringLiteral("FROM") || instruction == QStringLiteral("ADAPTER")) {
            const bool from = instruction == QStringLiteral("FROM");
            if (!(from ? parsed.from : parsed.adapter).isEmpty())
                refuse(line, Text::tr("a second %1: a model has one (the first is on line %2).")
                                 .arg(instruction)
                                 .arg(from ? parsed.fromLine : parsed.adapterLine));
            (from ? parsed.from : parsed.adapter) = reader.value(instruction);
            (from ? parsed.fromLine : parsed.adapterLine) = line;
        } else if (instruction == QStringLiteral("TEMPLATE") || instruction == QStringLiteral("SYSTEM")) {
            parsed.createFields.insert(instruction.toLower(), reader.value(instruction));
        } else if (instruction == QStringLiteral("LICENSE")) {
            licenses.append(reader.value(instruction));
        } else if (QStringList{QStringLiteral("DRAFT"), QStringLiteral("RENDERER"), QStringLiteral("PARSER"),
                               QStringLiteral("REQUIRES")}
                       .contains(instruction)) {
            refuse(line, Text::tr("%1 is not something this app deploys; remove the line, or create the model "
                                  "with Ollama's command line (Copy Commands).")
                             .arg(instruction));
        } else {
            refuse(line, Text::tr("\"%1\" is not an instruction (FROM, ADAPTER, TEMPLATE, SYSTEM, PARAMETER, "
                                  "MESSAGE or LICENSE).")
                             .arg(instruction));
        }
    }
    if (parsed.from.isEmpty())
        throw Error(Error::Kind::InvalidInput, Text::tr("The Modelfile has no FROM line: it must say which model to "
                                                        "start from."));
    if (!stops.isEmpty())
        parameters.insert(QStringLiteral("stop"), stops);
    if (!parameters.isEmpty())
        parsed.createFields.insert(QStringLiteral("parameters"), parameters);
    if (!licenses.isEmpty())
        parsed.createFields.insert(QStringLiteral("license"), licenses);
    if (!messages.isEmpty())
        parsed.createFields.insert(QStringLiteral("messages"), messages);
    return parsed;
}

QString readModelfile(const QString &path)
{
    constexpr qint64 kMostBytes = 1 << 20;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(Error::Kind::NotFound, Text::tr("Cannot read the Modelfile %1: %2").arg(path, file.errorString()));
    if (file.size() > kMostBytes)
        throw Error(Error::Kind::InvalidInput,
                    Text::tr("%1 is %2 MiB: a Modelfile is a short text of at most 1 MiB (was the model's file "
                             "chosen by mistake?).")
                        .arg(path)
                        .arg(double(file.size()) / (1 << 20), 0, 'f', 1));
    return QString::fromUtf8(file.readAll());
}

} // namespace mtm::core
