x = "😀😀"; import cgi
import imp  # éé
