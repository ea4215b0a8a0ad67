"""Faces both writers use, below the theme and the writers: nothing here imports either.

``names`` lists the families a theme may name; ``scripts`` tells CJK runs from the rest; ``cjk`` finds a
Chinese face on the machine (and remembers it); ``subset`` cuts and converts faces for embedding;
``faces`` registers families with reportlab (whose metrics both writers measure with); ``winansi`` is
what the standard PDF fonts draw.
"""
