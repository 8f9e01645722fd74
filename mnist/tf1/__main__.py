"""python -m mnist.tf1 PROGRAM.py [args]: see mnist.tf1.runner."""
import sys

from mnist.tf1.runner import main

sys.exit(main())
