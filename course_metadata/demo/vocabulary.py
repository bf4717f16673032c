"""Fixed word lists that make the synthetic catalog read like a real one."""

from __future__ import annotations

SUBJECTS = [
    "Computer Science",
    "Data Analysis & Statistics",
    "Business & Management",
    "Engineering",
    "Mathematics",
    "Humanities",
    "Economics & Finance",
    "Biology & Life Sciences",
    "Physics",
    "Chemistry",
    "Language",
    "Communication",
    "Medicine",
    "Environmental Studies",
    "Education & Teacher Training",
    "History",
    "Philosophy & Ethics",
    "Art & Culture",
    "Law",
    "Energy & Earth Sciences",
]

TOPICS = [
    "Machine Learning",
    "Python",
    "Data Science",
    "Leadership",
    "Climate Change",
    "Cybersecurity",
    "Blockchain",
    "Public Health",
    "Supply Chain",
    "Marketing",
    "Project Management",
    "Artificial Intelligence",
    "Cloud Computing",
    "Entrepreneurship",
    "Calculus",
    "Genetics",
    "Quantum Computing",
    "Writing",
    "Sustainability",
    "Neuroscience",
]

LEVEL_TYPES = ["Introductory", "Intermediate", "Advanced"]

SOURCES = [("edX", "edx", "Courses built on the platform itself."), ("External", "external", "Executive education.")]

# Course title = "<prefix> <field>", e.g. "Introduction to Machine Learning".
TITLE_PREFIXES = [
    "Introduction to",
    "Foundations of",
    "Principles of",
    "Advanced",
    "Applied",
    "Fundamentals of",
    "Topics in",
    "Essentials of",
    "Modern",
    "A Practical Guide to",
]

LANGUAGES = ["en-us", "en-us", "en-us", "es-es", "fr-fr", "zh-cn", "pt-br", "ar"]

COUNTRIES = ["US", "CA", "GB", "FR", "DE", "IN", "CN", "BR", "MX", "ES", "IR", "CU", "KP", "SY"]

# What each seat type sells for, in USD (audit and honor are free).
PRICES = {
    "verified": (49, 79, 99, 149, 199, 249),
    "professional": (199, 299, 499, 995),
    "credit": (300, 600, 900, 1200),
}

ORGANIZATION_SUFFIXES = ["University", "Institute of Technology", "College", "School of Business", "Academy"]

CREDIT_PROVIDERS = ["asu", "mit", "rit", "purdue"]
