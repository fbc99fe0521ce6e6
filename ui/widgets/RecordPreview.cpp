#include "widgets/RecordPreview.h"

#include <QJsonArray>

namespace mtm::ui {
namespace {

QString paragraph(const QString &text)
{
    return text.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"));
}

QString turn(const QString &role, const QString &content)
{
    struct Style
    {
        const char *label;
        const char *background;
        const char *accent;
    };
    const Style style = role == QLatin1String("system")      ? Style{"System", "#f1f1f3", "#6b6b78"}
                        : role == QLatin1String("user")      ? Style{"User", "#e9f0fd", "#2f5fc4"}
                        : role == QLatin1String("assistant") ? Style{"Assistant", "#e8f6ed", "#1e7d45"}
                                                             : Style{"Text", "#f6f6f6", "#555555"};
    return QStringLiteral("<tr><td style='background-color:%1; padding:6px 10px;'>"
                          "<span style='color:%2; font-weight:600;'>%3</span><br>%4</td></tr>")
        .arg(QLatin1String(style.background), QLatin1String(style.accent), QObject::tr(style.label),
             paragraph(content));
}

} // namespace

RecordPreview::RecordPreview(QWidget *parent)
    : QTextBrowser(parent)
{
    setObjectName(QStringLiteral("recordPreview"));
    setOpenLinks(false);
}

void RecordPreview::showRecords(const QVector<QJsonObject> &records, qint64 firstNumber)
{
    QString html;
    for (int i = 0; i < records.size(); ++i) {
        const QJsonObject &record = records[i];
        html += QStringLiteral("<p style='margin-top:10px; margin-bottom:4px; color:#777;'><b>%1</b></p>")
                    .arg(tr("Record %1").arg(firstNumber + i));
        html += QStringLiteral("<table width='100%' cellspacing='3' cellpadding='0'>");
        if (record.contains(QStringLiteral("messages"))) {
            for (const QJsonValue &message : record.value(QStringLiteral("messages")).toArray()) {
                const QJsonObject object = message.toObject();
                html += turn(object.value(QStringLiteral("role")).toString(),
                             object.value(QStringLiteral("content")).toString());
            }
        } else {
            QString content;
            const QString title = record.value(QStringLiteral("title")).toString();
            const QString source = record.value(QStringLiteral("source")).toString();
            if (!title.isEmpty())
                content += title + QLatin1Char('\n');
            content += record.value(QStringLiteral("text")).toString();
            if (!source.isEmpty())
                content += QLatin1Char('\n') + tr("Source: %1").arg(source);
            html += turn(QStringLiteral("text"), content);
        }
        html += QStringLiteral("</table>");
    }
    setHtml(html);
}

} // namespace mtm::ui
