"""Web settings pages and forms: an app bar or a window title bar, a navigation list with the selected section,
labelled text fields (labels beside or above), radio choices and toggles, primary and secondary buttons, and
sometimes a notice or a notification toast."""
from __future__ import annotations

import random

from . import QA, describe_list, names
from .render import DARK, HIGH_CONTRAST, LIGHT, SANS, SANS_BOLD, canvas, font, text_width
from .screens import yes_no

APPS = ["Photon Mail", "Nimbus Drive", "Acme CRM", "Orbit Chat", "Ledger", "Pixel Studio", "Harbor CI", "Tasklane"]
SECTIONS = ["General", "Account", "Notifications", "Privacy", "Billing", "Security", "Appearance", "Storage", "Team"]
FIELDS = {"Name": ["Ada Park", "Liam Cho", "Mia Rossi", "Noah Kim"], "Email": ["ada@mail.io", "liam@acme.com", "mia@orbit.dev"],
          "Username": ["ada42", "lcho", "mrossi", "nkim7"], "Language": ["English", "Deutsch", "Français", "Español"],
          "Time zone": ["UTC", "CET", "PST", "JST"], "Plan": ["Free", "Pro", "Team"], "Quota": ["5 GB", "20 GB", "1 TB"]}
CHOICES = {"Density": ["Compact", "Comfortable"], "Theme": ["System", "Light", "Dark"], "Send as": ["HTML", "Plain text"]}
TOGGLES = ["Email alerts", "Desktop alerts", "Weekly digest", "Two-factor login", "Auto backup", "Read receipts"]
BUTTONS = [("Save", "Cancel"), ("Save changes", "Discard"), ("Update", "Reset"), ("Apply", "Cancel")]
NOTICES = ["Alerts are sent only to verified addresses.", "Changes apply after a restart.", "Your plan renews on May 1.",
           "Backups older than 30 days are deleted.", "Two-factor login is recommended."]
TOASTS = {"info": ["Settings saved", "Profile updated", "Sync complete"],
          "error": ["Could not save settings", "Network error: retry later", "Invalid email address"]}


def settings_page(rng: random.Random, held_out: bool):
    t = rng.choice([LIGHT, LIGHT, DARK, HIGH_CONTRAST])
    app, section = names.title(rng, APPS), rng.choice(SECTIONS)
    nav = rng.sample([s for s in SECTIONS if s != section], rng.randint(2, 4)) + [section]
    rng.shuffle(nav)
    fields = rng.sample(list(FIELDS), rng.randint(1, 3))
    values = {f: rng.choice(FIELDS[f]) for f in fields}
    choice = rng.choice(list(CHOICES))
    chosen = rng.choice(CHOICES[choice])
    toggles = rng.sample(TOGGLES, rng.randint(1, 2))
    on = {label: rng.random() < 0.5 for label in toggles}
    primary, secondary = rng.choice(BUTTONS)
    primary_enabled = rng.random() < 0.7
    toast = rng.choice([None, None, "info", "error"])
    message = rng.choice(TOASTS[toast]) if toast else ""
    chrome = rng.random() < 0.5  # a desktop window: title bar with its buttons, "Settings — App"
    title = f"{rng.choice(['Settings', 'Preferences', 'Options', section])} — {app}"
    labels_above = rng.random() < 0.5
    toggles_right = rng.random() < 0.5
    notice = rng.choice(NOTICES) if rng.random() < 0.3 else ""

    regular, bold, heading = font(rng.choice(SANS), rng.randint(11, 12)), font(rng.choice(SANS_BOLD), 12), font(rng.choice(SANS_BOLD), 15)
    row = 40 if labels_above else 27
    image, draw = canvas(rng, 380, 520, t.background, min_height=170 + row * len(fields) + 26 * (len(toggles) + 2) + (40 if notice else 0))
    width, height = image.size
    if chrome:
        bar = (45, 55, 72) if t is LIGHT else (30, 32, 38) if t is DARK else (0, 0, 0)
        draw.rectangle([0, 0, width, 28], fill=bar, outline=t.border if t is HIGH_CONTRAST else None)
        for i, dot in enumerate([(240, 90, 80), (245, 190, 50), (60, 190, 80)]):
            draw.ellipse([10 + 16 * i, 9, 20 + 16 * i, 19], fill=dot)
        draw.text(((width - text_width(draw, title, regular)) // 2, 7), title, font=regular, fill=(235, 235, 240))
    else:
        draw.rectangle([0, 0, width, 28], fill=t.accent if t is not HIGH_CONTRAST else (0, 0, 0), outline=t.border if t is HIGH_CONTRAST else None)
        draw.text((10, 7), app, font=bold, fill=(255, 255, 255))
    # Held-out layout: the navigation as a row of links under the app bar instead of a column on the left.
    if held_out:
        x, top, left = 10, 64, 12
        for item in nav:
            w = text_width(draw, item, regular)
            draw.text((x, 36), item, font=regular, fill=t.accent if item == section else t.muted)
            if item == section:
                draw.line([x, 52, x + w, 52], fill=t.accent, width=2)
            x += w + 14
    else:
        top, left = 40, 130
        draw.rectangle([0, 29, 118, height], fill=t.panel)
        for i, item in enumerate(nav):
            y = 40 + 22 * i
            if item == section:
                draw.rectangle([0, y - 3, 118, y + 16], fill=t.background)
                draw.rectangle([0, y - 3, 3, y + 16], fill=t.accent)
            draw.text((12, y), item, font=regular, fill=t.text if item == section else t.muted)
    draw.text((left, top), section, font=heading, fill=t.text)
    y = top + 28
    for field in fields:
        if labels_above:
            draw.text((left, y), field, font=regular, fill=t.text)
            y += 16
            box_x = left
        else:
            draw.text((left, y + 4), field, font=regular, fill=t.muted)
            box_x = left + 80
        draw.rectangle([box_x, y, min(width - 12, box_x + 200), y + 20], outline=t.border, fill=t.panel)
        draw.text((box_x + 6, y + 4), values[field], font=regular, fill=t.text)
        y += 27
    draw.text((left, y + 2), choice, font=regular, fill=t.muted)
    x = left + 80
    for option in CHOICES[choice]:
        draw.ellipse([x, y + 3, x + 12, y + 15], outline=t.border, fill=t.panel)
        if option == chosen:
            draw.ellipse([x + 3, y + 6, x + 9, y + 12], fill=t.accent)
        draw.text((x + 16, y + 2), option, font=regular, fill=t.text)
        x += 16 + text_width(draw, option, regular) + 14
    y += 26
    for label in toggles:
        fill = t.accent if on[label] else t.muted
        switch = min(width - 40, left + 230) if toggles_right else left
        draw.rounded_rectangle([switch, y + 2, switch + 24, y + 15], radius=6, fill=fill)
        knob = switch + 13 if on[label] else switch + 2
        draw.ellipse([knob, y + 3, knob + 10, y + 14], fill=(255, 255, 255))
        draw.text((left if toggles_right else left + 32, y + 1), label, font=regular, fill=t.text)
        y += 24
    if notice:
        w = min(width - 12 - left, text_width(draw, notice, regular) + 20)
        draw.rectangle([left, y + 2, left + w, y + 28], fill=(255, 244, 229) if t is LIGHT else t.panel, outline=(240, 200, 130))
        draw.text((left + 10, y + 8), notice, font=regular, fill=(120, 70, 10) if t is LIGHT else t.text)
        y += 36
    y += 6
    w1, w2 = text_width(draw, primary, regular) + 20, text_width(draw, secondary, regular) + 20
    draw.rounded_rectangle([left, y, left + w1, y + 22], radius=4, fill=t.accent if primary_enabled else t.muted)
    draw.text((left + 10, y + 4), primary, font=regular, fill=(255, 255, 255))
    draw.rounded_rectangle([left + w1 + 8, y, left + w1 + 8 + w2, y + 22], radius=4, outline=t.border, fill=t.panel)
    draw.text((left + w1 + 18, y + 4), secondary, font=regular, fill=t.text)
    if toast:
        tw = text_width(draw, message, regular) + 24
        tx, ty = width - tw - 10, height - 34
        colour = (200, 40, 40) if toast == "error" else (30, 130, 70)
        draw.rounded_rectangle([tx, ty, tx + tw, ty + 26], radius=5, fill=colour)
        draw.text((tx + 12, ty + 6), message, font=regular, fill=(255, 255, 255))

    field = rng.choice(fields)
    toggle = rng.choice(toggles)
    qa = [QA(rng.choice(["What is the title of the window?", "What is the title of the dialog?"]), title, "reading") if chrome
          else QA("What is the name of the app?", app, "reading"),
          QA("How many buttons are there?", "2", "structure"),
          QA("Which section is selected?", section, "ui_state"),
          QA(f"What is the {field}?", values[field], "reading"),
          QA(f"Which {choice} option is selected?", chosen, "ui_state"),
          QA(f"Is {toggle} on?", yes_no(on[toggle]), "ui_state"),
          QA(f"Is the {primary} button enabled?", yes_no(primary_enabled), "ui_state"),
          QA("How many text fields are there?", str(len(fields)), "count"),
          QA("Is the theme light or dark?" if t is not HIGH_CONTRAST else "Which theme is this?", t.name, "ui_state"),
          QA("Is there an error message?", yes_no(toast == "error"), "ui_state")]
    if toast:
        qa.append(QA("What does the notification say?", message, "reading"))
    if notice:
        qa.append(QA("What does the notice say?", notice, "reading"))
    states = [f"{label} is {'on' if on[label] else 'off'}" for label in toggles]
    buttons = describe_list([primary if primary_enabled else f"{primary} (disabled)", secondary])
    description = (f"{'A window titled ' + title + ' showing the' if chrome else 'The'} {section} settings of {app}, in a {t.name} theme: "
                   + describe_list([f"{f} {values[f]}" for f in fields] + [f"{choice} {chosen}"] + states)
                   + f". Buttons: {buttons}.")
    if notice:
        description += f" A notice says: {notice}"
    if toast:
        description += f" A notification says: {message}."
    qa.append(QA(rng.choice(["Describe this screenshot.", "Write alt text for this image."]), description, "description",
                 (app, section, primary, secondary)))
    return image, f"The {section} settings page of {app}.", qa
