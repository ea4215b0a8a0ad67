"""Faces both writers use, below the theme and the writers: nothing here imports either.

``names`` lists the families a theme may name; ``scripts`` tells CJK runs from the rest; ``cjk`` finds a
Chinese face on the machine (``memory`` remembers it between runs); ``subset`` cuts and converts faces
for embedding; ``faces`` registers families with reportlab; ``measure`` measures text in them;
``winansi`` is what the standard PDF fonts draw; ``forget`` lets the caches above forget a lookup.
"""
