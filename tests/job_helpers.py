# ruff: noqa: E501  (job descriptions are kept as pasted, one duty a line)
"""Job descriptions written for these tests (an ML engineer, a support lead, a project
manager, and ones that cannot be planned for), and how to write them to files."""

from __future__ import annotations

from pathlib import Path

ML_ENGINEER = """\
# Machine Learning Engineer, Recommendations

**About the role**

You will own the ranking models behind our home feed, from training data to production serving.

## What you'll do
- Debug production ML systems when metrics drift, find root causes and add monitoring so it does not happen again
- Improve data quality: labelling guidelines, feature pipelines, deduplication and leakage checks
- Design offline evaluation and A/B experiments, and decide when an approach has plateaued and it is time to pivot
- Ship pragmatic baselines quickly, then iterate
- Write up failed experiments so the team learns from them

## What we look for
- 3+ years building and deploying machine learning models
- Python, PyTorch, SQL; experience with feature stores is a plus
"""

SUPPORT_LEAD = """\
Customer Support Team Lead

We are hiring a Team Lead for our customer support desk (phone, chat and email).

Responsibilities
* Lead and coach a team of 9 support agents; run weekly one-to-ones and give feedback on calls
* Handle escalations from upset or angry customers and make sure every complaint is resolved and followed up
* Own CSAT and first-response SLAs; spot recurring issues in tickets and fix the process behind them
* Update support scripts and the knowledge base when a product change confuses customers
* Work with the product team to get customer feedback heard

You have at least 2 years in a customer-facing service role and stay calm under pressure.
"""

PROJECT_MANAGER = """\
Project Manager - Office Fit-Out Programme

Plan and deliver office refurbishment projects on time and within budget.

You will:
- Build project plans and schedules, track progress against milestones and report status weekly to stakeholders
- Manage changes of scope from clients: estimate the cost and time impact and get sign-off before work changes
- Identify delivery risks early and agree mitigation with contractors
- Align facilities, finance and the client's leadership on priorities when they want different things
- Prioritise competing demands across three or four projects running at once

Requirements: PMP or PRINCE2, 5 years managing construction or fit-out projects, strong communication.
"""

# Nothing in any bank: no STAR story about customers, projects, people or ML.
FRUIT_PICKER = (
    "Seasonal fruit picker wanted for the autumn harvest. Pick apples and pears in the "
    "orchard, sort them into crates by size, and drive a tractor between rows. Tractor "
    "licence and a head for heights."
)

SPANISH = (
    "Ingeniero de aprendizaje automático. Buscamos una persona con experiencia en modelos "
    "de producción, que sea capaz de depurar sistemas y mejorar la calidad de los datos "
    "del equipo. Trabajará con el equipo de producto en Madrid."
)


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path
