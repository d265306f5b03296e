"""Every outside format in one place: JSON cards, TOML re-export, Anki .apkg and CSV, spreadsheet
import, exam report files and the class report built from them."""
