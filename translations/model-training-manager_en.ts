<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>mtm::ui::SettingsDialog</name>
    <message numerus="yes">
        <source>Automatic: %n thread(s), one per logical core</source>
        <translation>
            <numerusform>Automatic: %n thread, one per logical core</numerusform>
            <numerusform>Automatic: %n threads, one per logical core</numerusform>
        </translation>
    </message>
</context>
</TS>
