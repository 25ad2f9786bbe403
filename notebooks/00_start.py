# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: nbgrader,tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,jupytext
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Soft clustering, Gaussian mixtures and EM
#
# Welcome. This course starts from k-means, which you already know, and ends with
# the EM algorithm for Gaussian mixture models and why it works. Every lesson is a
# notebook you run from top to bottom: short sections, each with one idea, the
# mathematics behind it, and a cell that checks that mathematics with numbers.
# Several lessons have a **lab**: sliders and buttons that redraw a figure so you
# can see an idea move.
#
# **You need:** Python, NumPy, k-means, and Bayes' rule. Some linear algebra
# (eigenvectors, the determinant) and calculus (gradients, a Lagrange multiplier)
# help in lessons 02 and 06.
#
# ## How to work
#
# 1. Open a lesson below and run it with **Run ▸ Run All Cells**, or cell by cell with
#    **Shift+Enter**. Read, then play with the labs and answer the concept questions.
# 2. Open its exercise notebook. Write your code where a cell says `YOUR CODE HERE`,
#    then run the check cell below it. A check either prints `✓ ... checks passed` or
#    tells you what looks wrong and what the likely mistake is.
# 3. If a notebook gets into a strange state, use **Kernel ▸ Restart Kernel and Run All Cells**.
#
# ## Lessons
#
# | # | lesson | exercises |
# |---|---|---|
# | 01 | [Soft clustering: from k-means to soft assignments](01_soft_clustering.ipynb) | [exercises 01](../exercises/01_soft_clustering.ipynb) |
# | 02 | [Generating data from a mixture of Gaussians](02_mixture_generation.ipynb) | [exercises 02](../exercises/02_mixture_generation.ipynb) |
# | 03 | [The complete-data likelihood](03_complete_data_likelihood.ipynb) | [exercises 03](../exercises/03_complete_data_likelihood.ipynb) |
# | 04 | [Jensen's inequality and the lower bound](04_jensen_lower_bound.ipynb) | [exercises 04](../exercises/04_jensen_lower_bound.ipynb) |
# | 05 | [The E-step: responsibilities](05_e_step.ipynb) | [exercises 05](../exercises/05_e_step.ipynb) |
# | 06 | [The M-step: updating the parameters](06_m_step.ipynb) | [exercises 06](../exercises/06_m_step.ipynb) |
# | 07 | [The EM algorithm](07_em_algorithm.ipynb) | [exercises 07](../exercises/07_em_algorithm.ipynb) |
# | 08 | [k-means as a limit of EM](08_kmeans_limit.ipynb) | [exercises 08](../exercises/08_kmeans_limit.ipynb) |
#
# The companion package `coursepkg` holds every function the lessons use. It is
# meant to be read: open `coursepkg/em.py` next to lesson 07 and you will find the
# same formulas in the same symbols.

# %% [markdown]
# ## Is everything installed?
#
# Run the cell below. It should print the versions and a small table; if it
# raises an error, go back to the README and run its first command again.

# %%
import coursepkg
import ipywidgets
import matplotlib
import numpy as np
from coursepkg import datasets

print(f"coursepkg {coursepkg.__version__}, numpy {np.__version__}, "
      f"matplotlib {matplotlib.__version__}, ipywidgets {ipywidgets.__version__}")
X = datasets.old_faithful()
print(f"Old Faithful: {X.shape[0]} eruptions; first three (eruption min, waiting min):")
print(X[:3])
