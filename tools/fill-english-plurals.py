#!/usr/bin/env python3
"""Fills the English plural forms of translations/model-training-manager_en.ts from the source texts:
"%n file(s)" becomes "%n file" and "%n files". Run after `cmake --build build --target update_translations`."""
import re
import sys
import xml.etree.ElementTree as ElementTree

path = sys.argv[1] if len(sys.argv) > 1 else "translations/model-training-manager_en.ts"
tree = ElementTree.parse(path)
for message in tree.iter("message"):
    if message.get("numerus") != "yes":
        continue
    source = message.find("source").text
    translation = message.find("translation")
    forms = translation.findall("numerusform")
    singular = re.sub(r"\(s\)", "", source)
    plural = re.sub(r"\(s\)", "s", source)
    for form, text in zip(forms, (singular, plural)):
        form.text = text
    translation.attrib.pop("type", None)
tree.write(path, encoding="utf-8", xml_declaration=True)
