"""The caveat engine: how far to trust each sentence, passage, document and answer.

`codes` names what can be said (codes, severities, evidence levels, defined once); `sentences` reads text (rules in
`rules`, hedges learned in `hedges`, designs in `design`); `profile` builds passage and document caveats from those
findings; `answer` adds the answer's own. Import from the module that does the job: this package imports nothing, so
the records in rag.types can use the codes without pulling in the engine.
"""
