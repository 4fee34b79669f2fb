"""Layer 0, the ground floor: where the project's files are, how a file is written so that it is
never half there, the folders a command will write in (checked first: writable, with room),
the `.cache/` folder's entries, and the machine (threads, device, its name).

Imports nothing else of painters: every other layer stands on this one.
"""
