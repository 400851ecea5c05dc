"""The core: the grade contract, rubrics and banks, stored records, settings and errors.

Depends on nothing else in the package; everything else depends on it.
"""
