"""Reference tables from outside the project: the DfE's code lists (school census,
attendance codes) and GIAS's establishment types, as data.

The bottom layer (docs/architecture.md): pure Python, no models, nothing imported from
any other part of apcase, so every app may read the same table and no app has to import
another app for a list of codes."""
