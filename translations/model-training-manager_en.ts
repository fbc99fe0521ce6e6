<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en_US">
<context>
    <name>DatasetImporter</name>
    <message numerus="yes">
        <source>Not used: %1 and %n more.</source>
        <translation>
            <numerusform>Not used: %1 and %n more.</numerusform>
            <numerusform>Not used: %1 and %n more.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ModelArchive</name>
    <message numerus="yes">
        <source>is one of more than %n entries, more than a model holds</source>
        <translation>
            <numerusform>is one of more than %n entries, more than a model holds</numerusform>
            <numerusform>is one of more than %n entries, more than a model holds</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RestApi</name>
    <message numerus="yes">
        <source>The file has problems (listed in the validation report); nothing was stored. Fix the file, or send it again with ?skip_invalid=true to store the %n valid record(s).</source>
        <translation>
            <numerusform>The file has problems (listed in the validation report); nothing was stored. Fix the file, or send it again with ?skip_invalid=true to store the %n valid record.</numerusform>
            <numerusform>The file has problems (listed in the validation report); nothing was stored. Fix the file, or send it again with ?skip_invalid=true to store the %n valid records.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TimeLeft</name>
    <message numerus="yes">
        <source>about %n second(s) left</source>
        <translation>
            <numerusform>about %n second left</numerusform>
            <numerusform>about %n seconds left</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>about %n minute(s) left</source>
        <translation>
            <numerusform>about %n minute left</numerusform>
            <numerusform>about %n minutes left</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mtm::ui::DatasetsPage</name>
    <message numerus="yes">
        <source>Drop to import %n file(s)</source>
        <translation>
            <numerusform>Drop to import %n file</numerusform>
            <numerusform>Drop to import %n files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln record(s) to %1.</source>
        <translation>
            <numerusform>Exported %Ln record to %1.</numerusform>
            <numerusform>Exported %Ln records to %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mtm::ui::ImportDialog</name>
    <message numerus="yes">
        <source>%Ln record(s) read: </source>
        <translation>
            <numerusform>%Ln record read: </numerusform>
            <numerusform>%Ln records read: </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%Ln ready to import&lt;/b&gt;</source>
        <translation>
            <numerusform>&lt;b&gt;%Ln ready to import&lt;/b&gt;</numerusform>
            <numerusform>&lt;b&gt;%Ln ready to import&lt;/b&gt;</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, &lt;span style='color:#c62828'&gt;%Ln with problems&lt;/span&gt; (left out unless you fix the file)</source>
        <translation>
            <numerusform>, &lt;span style='color:#c62828'&gt;%Ln with problems&lt;/span&gt; (left out unless you fix the file)</numerusform>
            <numerusform>, &lt;span style='color:#c62828'&gt;%Ln with problems&lt;/span&gt; (left out unless you fix the file)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %Ln duplicate(s) (left out)</source>
        <translation>
            <numerusform>, %Ln duplicate (left out)</numerusform>
            <numerusform>, %Ln duplicates (left out)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %Ln duplicate(s) (kept)</source>
        <translation>
            <numerusform>, %Ln duplicate (kept)</numerusform>
            <numerusform>, %Ln duplicates (kept)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Leave out the %Ln duplicate record(s)</source>
        <translation>
            <numerusform>Leave out the %Ln duplicate record</numerusform>
            <numerusform>Leave out the %Ln duplicate records</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Import Only the %Ln Valid Record(s)</source>
        <translation>
            <numerusform>Import Only the %Ln Valid Record</numerusform>
            <numerusform>Import Only the %Ln Valid Records</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Import %Ln Record(s)</source>
        <translation>
            <numerusform>Import %Ln Record</numerusform>
            <numerusform>Import %Ln Records</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mtm::ui::JobAsk</name>
    <message numerus="yes">
        <source>%n chunk(s) found.</source>
        <translation>
            <numerusform>%n chunk found.</numerusform>
            <numerusform>%n chunks found.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mtm::ui::MainWindow</name>
    <message numerus="yes">
        <source>%n training job(s) are running. Quit and stop them after the current step? Each can be resumed from its last checkpoint.</source>
        <translation>
            <numerusform>%n training job are running. Quit and stop them after the current step? Each can be resumed from its last checkpoint.</numerusform>
            <numerusform>%n training jobs are running. Quit and stop them after the current step? Each can be resumed from its last checkpoint.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n training job(s) stopped early:

%1

Continue from the last checkpoint now? You can also do it later on the Training Jobs page.</source>
        <translation>
            <numerusform>%n training job stopped early:

%1

Continue from the last checkpoint now? You can also do it later on the Training Jobs page.</numerusform>
            <numerusform>%n training jobs stopped early:

%1

Continue from the last checkpoint now? You can also do it later on the Training Jobs page.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mtm::ui::NewJobDialog</name>
    <message numerus="yes">
        <source>Time: about %1 on %n CPU thread(s), estimated from this computer's speed.</source>
        <translation>
            <numerusform>Time: about %1 on %n CPU thread, estimated from this computer's speed.</numerusform>
            <numerusform>Time: about %1 on %n CPU threads, estimated from this computer's speed.</numerusform>
        </translation>
    </message>
</context>
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