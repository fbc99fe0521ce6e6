#include "pages/DeploymentPage.h"

#include "AppCore.h"
#include "jobs/JobCatalog.h"
#include "widgets/EmptyStateWidget.h"
#include "widgets/PageHeader.h"

#include <QListView>
#include <QSplitter>
#include <QTabWidget>

namespace mtm::ui {

DeploymentPage::DeploymentPage(core::AppCore &core, QWidget *parent)
    : Page(parent)
    , m_jobs(core.jobs())
    , m_models(new QListView(this))
    , m_targets(new QTabWidget(this))
{
    setObjectName(QStringLiteral("deploymentPage"));

    auto *header = new PageHeader(tr("Deployment"),
                                  tr("Package a trained model, write it as GGUF, and install it into Ollama or "
                                     "LM Studio."),
                                  this);

    auto *empty = new EmptyStateWidget(
        QStringLiteral(":/icons/deployment.svg"), tr("Nothing to deploy yet"),
        tr("When a training job completes, its model appears here, ready to download as a .tar.gz archive, "
           "to create in Ollama, or to copy into LM Studio's models folder."),
        this);
    empty->setObjectName(QStringLiteral("deploymentEmptyState"));

    m_models->setObjectName(QStringLiteral("deployableModels"));
    m_targets->setObjectName(QStringLiteral("deploymentTargets"));
    for (const QString &target : {tr("Ollama"), tr("LM Studio"), tr("Archive"), tr("Code")})
        m_targets->addTab(new QWidget(m_targets), target);

    auto *content = new QSplitter(Qt::Horizontal, this);
    content->setObjectName(QStringLiteral("deploymentContent"));
    content->addWidget(m_models);
    content->addWidget(m_targets);
    content->setStretchFactor(0, 1);
    content->setStretchFactor(1, 3);

    setUp(header, empty, content);

    refresh();
}

void DeploymentPage::refresh()
{
    showEmptyState(m_jobs.count(core::JobState::Completed) == 0);
}

} // namespace mtm::ui
