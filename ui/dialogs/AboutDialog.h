// Help > About: the app's version and the versions of Qt, LibTorch and FAISS, CUDA and the compute device.
#pragma once

#include <QDialog>

namespace mtm::core {
struct SystemInfo;
}

namespace mtm::ui {

class AboutDialog : public QDialog
{
    Q_OBJECT
public:
    AboutDialog(const core::SystemInfo &info, const QString &dataDirectory, QWidget *parent = nullptr);

    // The facts shown, as plain text (also what "Copy" puts on the clipboard).
    const QString &reportText() const { return m_reportText; }

private:
    QString m_reportText;
};

} // namespace mtm::ui
