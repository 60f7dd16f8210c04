import cgi
x = "ÿşÃ"
import imp  # í €
