// The Conversation tests live beside this file, one file per part of the parser.
import Conversation
