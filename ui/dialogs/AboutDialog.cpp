#include "dialogs/AboutDialog.h"

#include "system/SystemInfo.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace mtm::ui {

AboutDialog::AboutDialog(const core::SystemInfo &info, const QString &dataDirectory, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About Model Training Manager"));

    auto *icon = new QLabel(this);
    icon->setPixmap(QIcon(QStringLiteral(":/icons/app.svg")).pixmap(64, 64));
    auto *title = new QLabel(tr("<b style='font-size:16pt'>Model Training Manager %1</b><br>"
                                "Fine-tune language models on your own data and deploy them to Ollama and "
                                "LM Studio, on your own computer.")
                                 .arg(info.appVersion),
                             this);
    title->setWordWrap(true);
    auto *top = new QHBoxLayout;
    top->addWidget(icon, 0, Qt::AlignTop);
    top->addWidget(title, 1);

    auto rows = info.rows();
    rows.append({tr("Data directory"), dataDirectory});

    auto *facts = new QFrame(this);
    facts->setObjectName(QStringLiteral("versionsPanel"));
    facts->setFrameShape(QFrame::StyledPanel);
    auto *form = new QFormLayout(facts);
    form->setLabelAlignment(Qt::AlignRight);
    form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    for (const auto &[label, value] : rows) {
        auto *valueLabel = new QLabel(value, facts);
        valueLabel->setWordWrap(true);
        valueLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(QStringLiteral("<b>%1</b>").arg(label.toHtmlEscaped()), valueLabel);
        m_reportText += label + QStringLiteral(": ") + value + QLatin1Char('\n');
    }

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *copy = buttons->addButton(tr("Copy to Clipboard"), QDialogButtonBox::ActionRole);
    copy->setObjectName(QStringLiteral("copyAboutButton"));
    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_reportText); });
    connect(buttons, &QDialogButtonBox::rejected, this, &AboutDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addSpacing(6);
    layout->addWidget(facts);
    layout->addWidget(buttons);
    setMinimumWidth(640);
}

} // namespace mtm::ui
